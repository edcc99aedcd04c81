/**
 * Why a reconcile could not act on a SpinApp, and how each reason shows in the cluster: the one place
 * where failure kinds map to the `Accepted` condition and to a Warning Event. Every failure is also
 * retried with backoff, as SpinKube's controller retries any error: what it waits for (an executor, a
 * referenced Secret, an image pushed again) may change without the SpinApp changing.
 * `MissingExecutor` is SpinKube's (an Event only); the others are Spindle's.
 */
import { SpindleError } from "../../errors.ts";
import type { ConditionInput } from "./status.ts";

export type FailureKind = "MissingExecutor" | "MissingVariables" | "ImageUnreadable" | "InvalidSpec";

/** A reconcile outcome the user must see; anything else thrown is retried and only logged. */
export class ReconcileFailure extends SpindleError {
  readonly kind: FailureKind;

  constructor(kind: FailureKind, message: string, options?: ErrorOptions & { hint?: string }) {
    super(message, options);
    this.name = "ReconcileFailure";
    this.kind = kind;
  }
}

/** Whether the `Accepted` condition records the kind (SpinKube reports a missing executor by Event only). */
const IN_CONDITION: Readonly<Record<FailureKind, boolean>> = {
  MissingExecutor: false,
  MissingVariables: true,
  ImageUnreadable: true,
  InvalidSpec: true,
};

export const ACCEPTED = "Accepted";

/** The `Accepted` condition for a failure, or `undefined` when the kind is reported by Event only. */
export function failureCondition(failure: ReconcileFailure): ConditionInput | undefined {
  if (!IN_CONDITION[failure.kind]) return undefined;
  return { type: ACCEPTED, status: "False", reason: failure.kind, message: described(failure) };
}

/** The message, and what to do about it when the failure says: users see only the condition or Event. */
function described(failure: ReconcileFailure): string {
  return failure.hint === undefined ? failure.message : `${failure.message}; ${failure.hint}`;
}

/** The condition once the operator has applied everything for the app. */
export const ACCEPTED_CONDITION: ConditionInput = {
  type: ACCEPTED,
  status: "True",
  reason: "Reconciled",
  message: "the app's objects are applied",
};

/** The Warning Event for a failure: reason = kind. */
export function failureEvent(failure: ReconcileFailure): { reason: string; message: string } {
  return { reason: failure.kind, message: described(failure) };
}
