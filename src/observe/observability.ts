/**
 * Everything a serving process observes, assembled from its settings: Prometheus metrics and the admin
 * listener when `--admin-listen` is given, nothing otherwise. Hands the core one combined `Observer` and
 * closes what it started. One per `spindle up` / `spindle watch`.
 */
import { startAdminServer, type RunningAdmin } from "./admin-server.ts";
import { createMetrics } from "./metrics.ts";
import { combineObservers, type Observer } from "./observer.ts";

export interface ObservabilityOptions {
  /** Where the admin listener binds; no listener (and no metrics) when undefined. */
  readonly admin: { readonly host: string; readonly port: number } | undefined;
}

export interface Observability {
  readonly observer: Observer;
  /** The admin listener's base URL, when one is running. */
  readonly adminUrl: string | undefined;
  close(): Promise<void>;
}

export async function startObservability(options: ObservabilityOptions): Promise<Observability> {
  const observers: Observer[] = [];
  let admin: RunningAdmin | undefined;
  if (options.admin !== undefined) {
    const metrics = createMetrics();
    observers.push(metrics.observer);
    admin = await startAdminServer({ ...options.admin, metrics });
  }
  return {
    observer: combineObservers(observers),
    adminUrl: admin?.url,
    close: async () => {
      await admin?.close();
    },
  };
}
