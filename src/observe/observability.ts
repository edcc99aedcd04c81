/**
 * Everything a serving process observes, assembled from its settings: Prometheus metrics, the dashboard's
 * feed and the admin listener serving both when `--admin-listen` is given, the access log at
 * `--log-level debug`, OpenTelemetry tracing when the `OTEL_EXPORTER_OTLP_*` environment asks for it, and
 * nothing otherwise. prom-client (which itself loads `@opentelemetry/api`) is imported only with an admin
 * listener, and the OpenTelemetry SDK only with tracing. Hands the core one combined `Observer` and closes
 * what it started. One per `spindle up` / `spindle watch`.
 */
import { createAccessLog } from "./access-log.ts";
import { startAdminServer, type RunningAdmin } from "./admin-server.ts";
import { createFeed, type Feed } from "./dashboard/feed.ts";
import { dashboardRoutes, type AppView } from "./dashboard/routes.ts";
import type { HostLogger, Logger } from "./logger.ts";
import { combineObservers, type Observer } from "./observer.ts";
import { startTracing } from "./tracing.ts";

export interface ObservabilityOptions {
  /** Where the admin listener binds, and the token it asks for; no listener (and no metrics) when undefined. */
  readonly admin:
    { readonly host: string; readonly port: number; readonly token?: string | undefined } | undefined;
  /** The app being served, for the dashboard; undefined until it serves. */
  readonly app: () => AppView | undefined;
  /** Where to write one line per request (`--log-level debug`); none when undefined. */
  readonly accessLog?: Logger | undefined;
  /** The process's logger: its warnings and errors also go to the dashboard. */
  readonly logger?: HostLogger | undefined;
  /** The environment, read for the `OTEL_*` tracing settings. */
  readonly env: NodeJS.ProcessEnv;
}

export interface Observability {
  readonly observer: Observer;
  /** The admin listener's base URL, when one is running. */
  readonly adminUrl: string | undefined;
  close(): Promise<void>;
}

export async function startObservability(options: ObservabilityOptions): Promise<Observability> {
  const observers: Observer[] = [];
  if (options.accessLog !== undefined) observers.push(createAccessLog(options.accessLog));
  const tracing = await startTracing(options.env);
  if (tracing !== undefined) observers.push(tracing.observer);
  let admin: RunningAdmin | undefined;
  let feed: Feed | undefined;
  if (options.admin !== undefined) {
    const { createMetrics } = await import("./metrics.ts");
    const metrics = createMetrics(() => options.app()?.instances ?? []);
    const created = createFeed();
    feed = created;
    options.logger?.tee((json) => created.hostLog(json));
    observers.push(metrics.observer, feed.observer);
    const routes = dashboardRoutes(feed, options.app);
    admin = await startAdminServer({ ...options.admin, metrics, routes });
  }
  return {
    observer: combineObservers(observers),
    adminUrl: admin?.url,
    close: async () => {
      feed?.close();
      await admin?.close();
      await tracing?.close();
    },
  };
}
