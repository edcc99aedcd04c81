/**
 * SpinKube's admission webhooks as one pure-ish function from an AdmissionReview to its answer: the
 * mutating SpinApp webhook defaults an empty `spec.executor` (JSON patch), the validating ones run the
 * rules of `src/kube/model/admission.ts` and deny with SpinKube's `Invalid` message (HTTP 422 in the
 * status). DELETE is always allowed. Cluster reads go through the injected `AdmissionLookups`.
 */
import { SpindleError } from "../../errors.ts";
import {
  defaultExecutorName,
  formatInvalid,
  validateSpinApp,
  validateSpinAppExecutor,
} from "../model/admission.ts";
import { isRecord } from "../model/legacy.ts";
import { parseSpinApp, parseSpinAppExecutor } from "../model/parse.ts";
import type { ApiGroup, SpinAppExecutor } from "../model/types.ts";

export interface AdmissionLookups {
  /** Every SpinAppExecutor in every namespace (defaulting ignores namespaces, as SpinKube's does). */
  listExecutors(): Promise<SpinAppExecutor[]>;
  getExecutor(namespace: string, name: string): Promise<SpinAppExecutor | undefined>;
}

export interface AdmissionRequest {
  readonly uid: string;
  readonly operation: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly object?: unknown;
}

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly patchType?: "JSONPatch";
  readonly patch?: string;
  readonly status?: { readonly code: number; readonly reason: string; readonly message: string };
}

/** The webhook paths for `group`, as kubebuilder names them. */
export function webhookPaths(group: ApiGroup) {
  const stem = `${group.replaceAll(".", "-")}-v1alpha1`;
  return {
    mutateApp: `/mutate-${stem}-spinapp`,
    mutateExecutor: `/mutate-${stem}-spinappexecutor`,
    validateApp: `/validate-${stem}-spinapp`,
    validateExecutor: `/validate-${stem}-spinappexecutor`,
  };
}

/** The answer to one review at `path`, or `undefined` when the path is not a webhook's. */
export async function admit(
  group: ApiGroup,
  path: string,
  request: AdmissionRequest,
  lookups: AdmissionLookups,
): Promise<AdmissionResponse | undefined> {
  const paths = webhookPaths(group);
  const allowed = { uid: request.uid, allowed: true };
  if (path === paths.mutateExecutor) return allowed;
  if (path === paths.mutateApp) return request.operation === "DELETE" ? allowed : defaulted(request, lookups);
  if (path !== paths.validateApp && path !== paths.validateExecutor) return undefined;
  if (request.operation === "DELETE") return allowed;
  const kind = path === paths.validateApp ? "SpinApp" : "SpinAppExecutor";
  return validated(group, kind, request, lookups);
}

async function validated(
  group: ApiGroup,
  kind: "SpinApp" | "SpinAppExecutor",
  request: AdmissionRequest,
  lookups: AdmissionLookups,
): Promise<AdmissionResponse> {
  try {
    const errors = kind === "SpinApp" ? await appErrors(request, lookups) : executorErrors(request);
    if (errors.length === 0) return { uid: request.uid, allowed: true };
    return denied(request.uid, formatInvalid(kind, group, request.name ?? nameOf(request.object), errors));
  } catch (error) {
    if (error instanceof SpindleError) return denied(request.uid, error.message);
    throw error;
  }
}

async function defaulted(request: AdmissionRequest, lookups: AdmissionLookups): Promise<AdmissionResponse> {
  const spec =
    isRecord(request.object) && isRecord(request.object["spec"]) ? request.object["spec"] : undefined;
  if (spec === undefined) return { uid: request.uid, allowed: true };
  const current = spec["executor"];
  if (typeof current === "string" && current !== "") return { uid: request.uid, allowed: true };
  const executor = defaultExecutorName(await lookups.listExecutors());
  // SpinKube's patch always carries the key, even as "", so validation (not the schema) reports it.
  const patch = [{ op: current === undefined ? "add" : "replace", path: "/spec/executor", value: executor }];
  return {
    uid: request.uid,
    allowed: true,
    patchType: "JSONPatch",
    patch: Buffer.from(JSON.stringify(patch)).toString("base64"),
  };
}

async function appErrors(request: AdmissionRequest, lookups: AdmissionLookups): Promise<string[]> {
  const app = parseSpinApp(request.object, "the SpinApp");
  const namespace = request.namespace ?? app.metadata.namespace ?? "default";
  const executor =
    app.spec.executor === "" ? undefined : await lookups.getExecutor(namespace, app.spec.executor);
  return validateSpinApp(app, executor);
}

function executorErrors(request: AdmissionRequest): string[] {
  return validateSpinAppExecutor(parseSpinAppExecutor(request.object, "the SpinAppExecutor"));
}

function denied(uid: string, message: string): AdmissionResponse {
  return { uid, allowed: false, status: { code: 422, reason: "Invalid", message } };
}

function nameOf(object: unknown): string {
  const metadata = isRecord(object) && isRecord(object["metadata"]) ? object["metadata"] : {};
  return typeof metadata["name"] === "string" ? metadata["name"] : "";
}
