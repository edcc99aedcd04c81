/**
 * The container environment of a Spin app, in SpinKube's exact order: `SPIN_VARIABLE_*` from the app's
 * variables, the listen address, the executor's OpenTelemetry endpoints, the instance memory cap, and
 * the components to retain. Pure.
 */
import { SpindleError } from "../../errors.ts";
import { ceilValue, parseQuantity } from "../../util/quantity.ts";
import type { KubeObject, OtelConfig, SpinApp, SpinAppExecutor } from "../model/types.ts";
import { HTTP_PORT } from "./labels.ts";

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: KubeObject;
}

const OTEL: readonly (readonly [keyof OtelConfig, string])[] = [
  ["exporter_otlp_endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT"],
  ["exporter_otlp_traces_endpoint", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"],
  ["exporter_otlp_metrics_endpoint", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"],
  ["exporter_otlp_logs_endpoint", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"],
];

/** The env list for the app's container. */
export function buildEnv(app: SpinApp, executor: SpinAppExecutor): EnvVar[] {
  const env: EnvVar[] = (app.spec.variables ?? []).map((v) => ({
    name: `SPIN_VARIABLE_${v.name.toUpperCase()}`,
    ...(v.value === undefined ? {} : { value: v.value }),
    ...(v.valueFrom === undefined ? {} : { valueFrom: v.valueFrom }),
  }));
  env.push({ name: "SPIN_HTTP_LISTEN_ADDR", value: `0.0.0.0:${HTTP_PORT}` });
  const otel = executor.spec.deploymentConfig?.otel ?? {};
  for (const [field, name] of OTEL) {
    const value = otel[field];
    if (value !== undefined && value !== "") env.push({ name, value });
  }
  const memory = app.spec.invocationLimits?.["memory"];
  if (memory !== undefined) env.push({ name: "SPIN_MAX_INSTANCE_MEMORY", value: memoryBytes(memory) });
  if (app.spec.components !== undefined) {
    env.push({ name: "SPIN_COMPONENTS_TO_RETAIN", value: app.spec.components.join(",") });
  }
  return env;
}

function memoryBytes(text: string): string {
  const quantity = parseQuantity(text);
  if (quantity === undefined) {
    throw new SpindleError(
      `failed to parse memory limit "${text}": quantities must match the regular expression`,
      {
        hint: "Write spec.invocationLimits.memory as a Kubernetes quantity such as 128Mi or 1Gi.",
      },
    );
  }
  return ceilValue(quantity).toString();
}
