/**
 * The SpinAppExecutor controller (reference §2.10): every executor carries the finalizer
 * `<group>/finalizer`; when one is deleted, the finalizer is removed only once no SpinApp in the
 * executor's namespace names it. Until then the executor stays, with a Warning `DeletionBlocked` Event,
 * and the reconcile fails so the queue retries with backoff.
 */
import { SpindleError } from "../../errors.ts";
import type { KubeClient } from "../client/client.ts";
import { spinAppExecutors, spinApps } from "../client/resources.ts";
import type { ApiGroup } from "../model/types.ts";
import type { EventRecorder } from "./events.ts";

export interface ExecutorReconcilerDeps {
  readonly client: KubeClient;
  readonly group: ApiGroup;
  readonly events: EventRecorder;
}

export function finalizerName(group: ApiGroup): string {
  return `${group}/finalizer`;
}

export async function reconcileExecutor(
  deps: ExecutorReconcilerDeps,
  namespace: string,
  name: string,
): Promise<void> {
  const type = spinAppExecutors(deps.group);
  const executor = await deps.client.get(type, namespace, name);
  if (executor === undefined) return;
  const finalizer = finalizerName(deps.group);
  const finalizers = executor.metadata.finalizers ?? [];
  if (executor.metadata.deletionTimestamp === undefined) {
    if (finalizers.includes(finalizer)) return;
    await deps.client.update(type, {
      ...executor,
      metadata: { ...executor.metadata, finalizers: [...finalizers, finalizer] },
    });
    return;
  }
  if (!finalizers.includes(finalizer)) return;
  const { items } = await deps.client.list(spinApps(deps.group), namespace);
  const dependents = items.filter(
    (app) => (app["spec"] as { executor?: string } | undefined)?.executor === name,
  );
  if (dependents.length > 0) {
    await deps.events.record(executor, {
      type: "Warning",
      reason: "DeletionBlocked",
      message: "Cannot delete SpinAppExecutor with dependent SpinApps",
    });
    throw new SpindleError("cannot delete SpinAppExecutor with dependent SpinApps", {
      hint: `delete the SpinApps using ${namespace}/${name} first: ${dependents.map((a) => a.metadata.name).join(", ")}`,
    });
  }
  await deps.client.update(type, {
    ...executor,
    metadata: { ...executor.metadata, finalizers: finalizers.filter((f) => f !== finalizer) },
  });
}
