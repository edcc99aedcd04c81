/**
 * Autoscalers for a SpinApp's Deployment: an `autoscaling/v2` HorizontalPodAutoscaler or a KEDA
 * ScaledObject, both named `<app>-autoscaler`, targeting the Deployment by the app's name, with CPU and
 * memory utilization targets. `spin kube scaffold` prints them. The operator applies none, as SpinKube's
 * applies none: `enableAutoscaling` only leaves `replicas` to an autoscaler the user creates. Pure.
 */
import type { SpinApp } from "../model/types.ts";

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
