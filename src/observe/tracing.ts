/**
 * Whether to trace, decided from the standard OpenTelemetry environment: when `OTEL_EXPORTER_OTLP_ENDPOINT`
 * or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (and `OTEL_TRACES_EXPORTER` is not `none`), the
 * OpenTelemetry SDK is imported — only then, so an untraced process never loads it — and its tracer is
 * returned as an `Observer` (otel.ts). One per process.
 */
import type { Observer } from "./observer.ts";

export interface Tracing {
  readonly observer: Observer;
  /** Exports the spans still buffered, then stops. */
  close(): Promise<void>;
}

export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  if (env["OTEL_TRACES_EXPORTER"] === "none" || env["OTEL_SDK_DISABLED"] === "true") return false;
  return Boolean(env["OTEL_EXPORTER_OTLP_ENDPOINT"] || env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]);
}

export async function startTracing(env: NodeJS.ProcessEnv): Promise<Tracing | undefined> {
  if (!tracingWanted(env)) return undefined;
  const { createOtelTracing } = await import("./otel.ts");
  return createOtelTracing(env);
}
