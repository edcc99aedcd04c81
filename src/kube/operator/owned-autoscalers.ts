/**
 * What this operator process knows of the autoscaler each SpinApp owns, so that a reconcile reads an
 * autoscaler kind (to delete the app's stale one) only when the app may own one of that kind. An app that
 * never autoscales then costs no autoscaler request after its first reconcile.
 *
 * Why a record in memory: only the operator makes autoscalers that a SpinApp owns (the app's uid in the
 * ownerReference), so what it has applied and deleted stays true until it stops. An app it has not reconciled
 * since it started (or since it became leader) is unknown, and that first reconcile reads every kind it does
 * not apply. So does the reconcile after a failed write, which may have landed. Other places for the record
 * cost more. The SpinKube CRD has no status field for it, so the API server would prune one. An annotation on
 * the SpinApp would be a write to the user's object on every change. A watch on both kinds would keep every
 * autoscaler of the cluster in memory, and it fails on clusters without KEDA. What the record misses: an
 * autoscaler that a previous leader applies after this one has read the app, in the moments before that
 * leader stops.
 *
 * One per operator run; one small entry per app it has reconciled, dropped once the app is gone.
 */
import type { SpinApp } from "../model/types.ts";

interface Entry {
  readonly uid: string | undefined;
  /** The kind of the autoscaler the app owns, or `undefined` for none. */
  readonly kind: string | undefined;
}

export class OwnedAutoscalers {
  readonly #known = new Map<string, Entry>();

  /** Whether `app` may own an autoscaler of `kind`: the recorded kind, or either when unknown. */
  mayOwn(app: SpinApp, kind: string): boolean {
    const entry = this.#known.get(keyOf(app.metadata.namespace, app.metadata.name));
    return entry === undefined || entry.uid !== app.metadata.uid || entry.kind === kind;
  }

  /** The app's autoscalers are unknown until `settle`: a write that fails may still have landed. */
  unsettle(app: SpinApp): void {
    this.#known.delete(keyOf(app.metadata.namespace, app.metadata.name));
  }

  /** The app now owns an autoscaler of `kind` only (none when `undefined`). */
  settle(app: SpinApp, kind: string | undefined): void {
    const entry = { uid: app.metadata.uid, kind };
    this.#known.set(keyOf(app.metadata.namespace, app.metadata.name), entry);
  }

  /** The app is gone; its autoscalers go with it by ownerReference garbage collection. */
  forget(namespace: string, name: string): void {
    this.#known.delete(keyOf(namespace, name));
  }
}

function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? "default"}/${name}`;
}
