/**
 * SpinKube's admission rules as pure functions: defaulting of `spec.executor` and the validating
 * webhooks' checks, with SpinKube's exact messages (`spec.replicas: Invalid value: 0: replicas must be
 * > 0`). The webhook server and the CLI both report these; neither adds rules of its own.
 */
import { compareQuantities, parseQuantity, type Rational } from "../../util/quantity.ts";
import type { SpinApp, SpinAppExecutor, StringMap } from "./types.ts";

/** The executor name SpinKube's defaulting picks: the byte-wise smallest of all executors, or "". */
export function defaultExecutorName(executors: readonly SpinAppExecutor[]): string {
  const names = executors.map((e) => e.metadata.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names[0] ?? "";
}

/** Fills in `spec.executor` when it is empty, as the mutating webhook does. */
export function defaultSpinApp(app: SpinApp, executors: readonly SpinAppExecutor[]): SpinApp {
  if (app.spec.executor !== "") return app;
  return { ...app, spec: { ...app.spec, executor: defaultExecutorName(executors) } };
}

/** Formats a value the way apimachinery's field errors print it. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function fieldError(path: string, value: unknown, detail: string): string {
  return `${path}: Invalid value: ${formatValue(value)}: ${detail}`;
}

/**
 * The SpinApp checks, in SpinKube's order. `executor` is the executor named by the app in its namespace,
 * or `undefined` when it could not be found.
 */
export function validateSpinApp(app: SpinApp, executor: SpinAppExecutor | undefined): string[] {
  const { spec } = app;
  const errors: string[] = [];
  if (spec.executor === "") {
    errors.push(
      fieldError(
        "spec.executor",
        "",
        "executor must be set, likely no default executor was set because you have no executors installed",
      ),
    );
  } else if (executor === undefined) {
    errors.push(fieldError("spec.executor", spec.executor, "executor does not exist in namespace"));
  }
  const replicas = spec.replicas ?? 0;
  if (spec.enableAutoscaling && replicas !== 0) {
    errors.push(fieldError("spec.replicas", replicas, "replicas cannot be set when autoscaling is enabled"));
  } else if (!spec.enableAutoscaling && replicas < 1) {
    errors.push(fieldError("spec.replicas", replicas, "replicas must be > 0"));
  }
  if (executor !== undefined) errors.push(...annotationErrors(app, executor));
  errors.push(...invocationLimitErrors(app));
  return errors;
}

function annotationErrors(app: SpinApp, executor: SpinAppExecutor): string[] {
  const noDeployment = "can't be set when the executor does not use operator deployments";
  if (executor.spec.createDeployment) return [];
  const { deploymentAnnotations, podAnnotations } = app.spec;
  if (isNonEmpty(deploymentAnnotations)) {
    return [
      fieldError(
        "spec.deploymentAnnotations",
        deploymentAnnotations,
        `deploymentAnnotations ${noDeployment}`,
      ),
    ];
  }
  if (isNonEmpty(podAnnotations)) {
    return [fieldError("spec.podAnnotations", podAnnotations, `podAnnotations ${noDeployment}`)];
  }
  return [];
}

function isNonEmpty(map: StringMap | undefined): map is StringMap {
  return map !== undefined && Object.keys(map).length > 0;
}

function invocationLimitErrors(app: SpinApp): string[] {
  const raw = app.spec.invocationLimits?.["memory"];
  if (raw === undefined) return [];
  const path = "spec.invocationLimits[memory]";
  const limit = parseQuantity(raw);
  if (limit === undefined) {
    return [fieldError(path, raw, "memory limit must be a valid memory quantity (e.g. 128Mi, 1Gi)")];
  }
  const constraint = memoryConstraint(app);
  if (constraint === undefined || compareQuantities(limit, constraint.quantity) <= 0) return [];
  return [
    fieldError(
      path,
      raw,
      `invocation limit quantity cannot be greater than the memory ${constraint.word} (${constraint.text})`,
    ),
  ];
}

function memoryConstraint(app: SpinApp): { word: string; text: string; quantity: Rational } | undefined {
  const limit = app.spec.resources?.limits?.["memory"];
  const request = app.spec.resources?.requests?.["memory"];
  const [word, value] = limit !== undefined ? ["limit", limit] : ["request", request];
  if (value === undefined) return undefined;
  const text = String(value);
  const quantity = parseQuantity(text);
  return quantity === undefined ? undefined : { word, text, quantity };
}

/** The SpinAppExecutor checks. */
export function validateSpinAppExecutor(executor: SpinAppExecutor): string[] {
  const config = executor.spec.deploymentConfig;
  if (config === undefined) return [];
  const path = "spec.deploymentConfig.runtimeClassName";
  if (config.runtimeClassName !== undefined && config.spinImage !== undefined) {
    return [
      fieldError(path, config.runtimeClassName, "runtimeClassName and spinImage are mutually exclusive"),
    ];
  }
  if (config.runtimeClassName === undefined && config.spinImage === undefined) {
    return [fieldError(path, null, "either runtimeClassName or spinImage must be set")];
  }
  return [];
}

/** The whole error as the API client sees it: `SpinApp.core.spinkube.dev "x" is invalid: …`. */
export function formatInvalid(kind: string, group: string, name: string, errors: readonly string[]): string {
  const joined = errors.length === 1 ? (errors[0] ?? "") : `[${errors.join(", ")}]`;
  return `${kind}.${group} ${JSON.stringify(name)} is invalid: ${joined}`;
}
