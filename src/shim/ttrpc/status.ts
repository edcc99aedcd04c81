/**
 * The one place where shim errors become ttrpc statuses. A `ShimError` carries the kind of failure in
 * containerd's terms (errdefs); `statusOf` turns it, or any other error, into the gRPC status code and
 * message containerd turns back into an errdefs error (`not found`, `already exists`, …). Anything that is
 * not a `ShimError` is a fault in the shim and is reported as `Internal`.
 */
import { SpindleError } from "../../errors.ts";

export type ShimErrorKind =
  | "invalid-argument"
  | "not-found"
  | "already-exists"
  | "failed-precondition"
  | "unimplemented"
  | "unavailable";

/** gRPC status codes (google.rpc.Code) that ttrpc carries. */
const CODES: Readonly<Record<ShimErrorKind | "internal", number>> = {
  "invalid-argument": 3,
  "not-found": 5,
  "already-exists": 6,
  "failed-precondition": 9,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
};

export class ShimError extends SpindleError {
  readonly kind: ShimErrorKind;
  constructor(kind: ShimErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ShimError";
    this.kind = kind;
  }
}

export interface Status {
  readonly code: number;
  readonly message: string;
}

export function statusOf(error: unknown): Status {
  if (error instanceof ShimError) return { code: CODES[error.kind], message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: CODES.internal, message };
}

/** The code for `kind`, for clients that compare a received status against an expected kind. */
export function codeOf(kind: ShimErrorKind): number {
  return CODES[kind];
}
