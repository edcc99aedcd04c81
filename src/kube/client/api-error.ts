/**
 * The error every Kubernetes API call fails with: the HTTP status and the `Status` object's `reason`
 * (`NotFound`, `AlreadyExists`, `Conflict`, `Gone`, …) so callers branch on the kind, never on the text.
 */
import { SpindleError } from "../../errors.ts";

export class KubeApiError extends SpindleError {
  /** The HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  /** The `Status.reason` the server sent, or a reason derived from the status code. */
  readonly reason: string;

  constructor(message: string, options: { status: number; reason: string; cause?: unknown; hint?: string }) {
    super(message, options);
    this.name = "KubeApiError";
    this.status = options.status;
    this.reason = options.reason;
  }
}

const REASONS: Readonly<Record<number, string>> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  410: "Gone",
  422: "Invalid",
  429: "TooManyRequests",
};

/** The error for a non-2xx answer; `body` is the server's `Status` object when it sent one. */
export function apiError(what: string, status: number, body: unknown): KubeApiError {
  const statusObject = (typeof body === "object" && body !== null ? body : {}) as {
    reason?: unknown;
    message?: unknown;
  };
  const reason =
    typeof statusObject.reason === "string" && statusObject.reason !== ""
      ? statusObject.reason
      : (REASONS[status] ?? "InternalError");
  const detail = typeof statusObject.message === "string" ? `: ${statusObject.message}` : "";
  return new KubeApiError(`${what}: HTTP ${status} ${reason}${detail}`, {
    status,
    reason,
    hint: hintFor(status),
  });
}

function hintFor(status: number): string {
  if (status === 401)
    return "the API server refused the credentials; check the kubeconfig or service account token";
  if (status === 403) return "the service account lacks RBAC permission; apply deploy/operator/rbac.yaml";
  return "check the API server's answer above";
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 404;
}

export function isAlreadyExists(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409 && error.reason === "AlreadyExists";
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 409 && error.reason !== "AlreadyExists";
}
