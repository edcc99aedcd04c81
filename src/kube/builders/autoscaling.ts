/**
 * Autoscalers for a SpinApp's Deployment: an `autoscaling/v2` HorizontalPodAutoscaler or a KEDA
 * ScaledObject, both named `<app>-autoscaler`, targeting the Deployment by the app's name (not the
 * SpinApp's scale subresource: the Deployment is what runs the pods, and SpinKube's scaffold targets it
 * too), with CPU and memory utilization targets. `spindle kube scaffold` prints them; the operator
 * applies the one `buildAutoscaler` describes for an app with `enableAutoscaling` (SpinKube's applies
 * none). The kind and bounds come from `spindle.dev/…` annotations, since the SpinKube CRDs have no field
 * for them. Pure.
 */
import { SpindleError } from "../../errors.ts";
import type { SpinApp, SpinAppExecutor } from "../model/types.ts";
import { appObjectMeta } from "./labels.ts";

/** `hpa` (the default) or `keda`, on the SpinApp, or on its SpinAppExecutor for all of its apps. */
export const AUTOSCALER_ANNOTATION = "spindle.dev/autoscaler";
export const MIN_REPLICAS_ANNOTATION = "spindle.dev/autoscaler-min-replicas";
export const MAX_REPLICAS_ANNOTATION = "spindle.dev/autoscaler-max-replicas";
export const TARGET_UTILIZATION_ANNOTATION = "spindle.dev/autoscaler-target-utilization";

export type AutoscalerKind = "hpa" | "keda";

export type ResourceName = "cpu" | "memory";

export interface AutoscalerSettings {
  /** The app (and Deployment) name. */
  readonly name: string;
  readonly namespace?: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Average utilization targets in percent, in the order the metrics are listed. */
  readonly targets: readonly { readonly resource: ResourceName; readonly utilization: number }[];
}

function scaleTarget(settings: AutoscalerSettings) {
  return { apiVersion: "apps/v1", kind: "Deployment", name: settings.name };
}

function metadata(settings: AutoscalerSettings) {
  const namespace = settings.namespace === undefined ? {} : { namespace: settings.namespace };
  return { name: `${settings.name}-autoscaler`, ...namespace };
}

/** The HorizontalPodAutoscaler. */
export function buildHorizontalPodAutoscaler(settings: AutoscalerSettings) {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: metadata(settings),
    spec: {
      scaleTargetRef: scaleTarget(settings),
      minReplicas: settings.minReplicas,
      maxReplicas: settings.maxReplicas,
      metrics: settings.targets.map((t) => ({
        type: "Resource",
        resource: { name: t.resource, target: { type: "Utilization", averageUtilization: t.utilization } },
      })),
    },
  };
}

/** The KEDA ScaledObject. */
export function buildScaledObject(settings: AutoscalerSettings) {
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: metadata(settings),
    spec: {
      scaleTargetRef: scaleTarget(settings),
      minReplicaCount: settings.minReplicas,
      maxReplicaCount: settings.maxReplicas,
      triggers: settings.targets.map((t) => ({
        type: t.resource,
        metricType: "Utilization",
        metadata: { value: String(t.utilization) },
      })),
    },
  };
}

export interface AutoscalingPolicy {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Percent; used for each resource the app sets a limit or request for. */
  readonly targetUtilization: number;
}

export const DEFAULT_AUTOSCALING: AutoscalingPolicy = {
  minReplicas: 1,
  maxReplicas: 10,
  targetUtilization: 60,
};

/**
 * The HPA settings for an app with `enableAutoscaling`: a target for CPU and for memory when the app's
 * resources name them, and CPU alone when they name neither.
 */
export function autoscalerSettingsFor(
  app: SpinApp,
  policy: AutoscalingPolicy = DEFAULT_AUTOSCALING,
): AutoscalerSettings {
  const { limits = {}, requests = {} } = app.spec.resources ?? {};
  const named = (r: ResourceName) => r in limits || r in requests;
  const resources = (["cpu", "memory"] as const).filter(named);
  return {
    name: app.metadata.name,
    ...(app.metadata.namespace === undefined ? {} : { namespace: app.metadata.namespace }),
    minReplicas: policy.minReplicas,
    maxReplicas: policy.maxReplicas,
    targets: (resources.length === 0 ? (["cpu"] as const) : resources).map((resource) => ({
      resource,
      utilization: policy.targetUtilization,
    })),
  };
}

/** Which autoscaler an app gets: the app's annotation, else its executor's, else an HPA. */
export function autoscalerKind(app: SpinApp, executor: SpinAppExecutor): AutoscalerKind {
  const own = app.metadata.annotations?.[AUTOSCALER_ANNOTATION];
  const text = own ?? executor.metadata.annotations?.[AUTOSCALER_ANNOTATION];
  if (text === undefined || text === "hpa" || text === "keda") return text ?? "hpa";
  const where =
    own === undefined ? `SpinAppExecutor "${executor.metadata.name}"` : `SpinApp "${app.metadata.name}"`;
  throw new SpindleError(`${where}: annotation ${AUTOSCALER_ANNOTATION} is "${text}"`, {
    hint: `Set ${AUTOSCALER_ANNOTATION} to hpa (a HorizontalPodAutoscaler) or keda (a KEDA ScaledObject).`,
  });
}

/** `base` with the bounds and target the app's annotations set. */
export function autoscalingPolicy(
  app: SpinApp,
  base: AutoscalingPolicy = DEFAULT_AUTOSCALING,
): AutoscalingPolicy {
  const policy = {
    minReplicas: integerAnnotation(app, MIN_REPLICAS_ANNOTATION, base.minReplicas, { min: 1 }),
    maxReplicas: integerAnnotation(app, MAX_REPLICAS_ANNOTATION, base.maxReplicas, { min: 1 }),
    targetUtilization: integerAnnotation(app, TARGET_UTILIZATION_ANNOTATION, base.targetUtilization, {
      min: 1,
      max: 100,
    }),
  };
  if (policy.minReplicas > policy.maxReplicas) {
    throw new SpindleError(
      `SpinApp "${app.metadata.name}": the minimum replica count (${policy.minReplicas}) is greater than the maximum (${policy.maxReplicas})`,
      { hint: `Set ${MIN_REPLICAS_ANNOTATION} at most ${MAX_REPLICAS_ANNOTATION}.` },
    );
  }
  return policy;
}

function integerAnnotation(
  app: SpinApp,
  key: string,
  fallback: number,
  range: { readonly min: number; readonly max?: number },
): number {
  const text = app.metadata.annotations?.[key];
  if (text === undefined) return fallback;
  const value = Number(text);
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (/^\s*\d+\s*$/.test(text) && value >= range.min && value <= max) return value;
  const allowed = range.max === undefined ? `${range.min} or more` : `from ${range.min} to ${range.max}`;
  throw new SpindleError(`SpinApp "${app.metadata.name}": annotation ${key} is "${text}"`, {
    hint: `Set ${key} to a whole number ${allowed}.`,
  });
}

/**
 * The autoscaler the operator applies for an app with `enableAutoscaling`: its kind from
 * `autoscalerKind`, its bounds from `autoscalingPolicy`, labelled and owned (as controller) by the app
 * like the Deployment, so it goes with the app.
 */
export function buildAutoscaler(
  app: SpinApp,
  executor: SpinAppExecutor,
  base: AutoscalingPolicy = DEFAULT_AUTOSCALING,
) {
  const settings = autoscalerSettingsFor(app, autoscalingPolicy(app, base));
  const object =
    autoscalerKind(app, executor) === "keda"
      ? buildScaledObject(settings)
      : buildHorizontalPodAutoscaler(settings);
  return { ...object, metadata: appObjectMeta(app, object.metadata.name, { controller: true }) };
}
