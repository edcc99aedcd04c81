/**
 * Why a reconcile could not act on a SpinApp, and how each reason shows in the cluster: the one place
 * where failure kinds map to the `Accepted` condition, to a Warning Event, and to whether the queue
 * retries. `MissingExecutor` is SpinKube's (an Event only, then a retry); the others are Spindle's.
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

interface Presentation {
  /** Whether the `Accepted` condition records it (SpinKube reports a missing executor by Event only). */
  readonly condition: boolean;
  /** Whether retrying can help without the SpinApp changing (a change re-queues the app anyway). */
  readonly retry: boolean;
}

const PRESENTATION: Readonly<Record<FailureKind, Presentation>> = {
  MissingExecutor: { condition: false, retry: true },
  MissingVariables: { condition: true, retry: false },
  ImageUnreadable: { condition: true, retry: true },
  InvalidSpec: { condition: true, retry: false },
};

export const ACCEPTED = "Accepted";

/** The `Accepted` condition for a failure, or `undefined` when the kind is reported by Event only. */
export function failureCondition(failure: ReconcileFailure): ConditionInput | undefined {
  if (!PRESENTATION[failure.kind].condition) return undefined;
  return { type: ACCEPTED, status: "False", reason: failure.kind, message: failure.message };
}

/** The condition once the operator has applied everything for the app. */
export const ACCEPTED_CONDITION: ConditionInput = {
  type: ACCEPTED,
  status: "True",
  reason: "Reconciled",
  message: "the app's objects are applied",
};

export function shouldRetry(failure: ReconcileFailure): boolean {
  return PRESENTATION[failure.kind].retry;
}

/** The Warning Event for a failure: reason = kind. */
export function failureEvent(failure: ReconcileFailure): { reason: string; message: string } {
  return { reason: failure.kind, message: failure.message };
}
