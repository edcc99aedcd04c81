/**
 * The API resources the operator reads and writes, and the REST paths for them
 * (`/api/v1/namespaces/<ns>/services/<name>`, `/apis/apps/v1/…`). Pure.
 */
import type { ApiGroup } from "../model/types.ts";
import { VERSION } from "../model/types.ts";

export interface ResourceType {
  /** `""` for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
}

export const SECRETS: ResourceType = { group: "", version: "v1", plural: "secrets", kind: "Secret" };
export const SERVICES: ResourceType = { group: "", version: "v1", plural: "services", kind: "Service" };
export const SERVICE_ACCOUNTS: ResourceType = {
  group: "",
  version: "v1",
  plural: "serviceaccounts",
  kind: "ServiceAccount",
};
export const EVENTS: ResourceType = { group: "", version: "v1", plural: "events", kind: "Event" };
export const DEPLOYMENTS: ResourceType = {
  group: "apps",
  version: "v1",
  plural: "deployments",
  kind: "Deployment",
};

export const LEASES: ResourceType = {
  group: "coordination.k8s.io",
  version: "v1",
  plural: "leases",
  kind: "Lease",
};
export const HORIZONTAL_POD_AUTOSCALERS: ResourceType = {
  group: "autoscaling",
  version: "v2",
  plural: "horizontalpodautoscalers",
  kind: "HorizontalPodAutoscaler",
};
/** Cluster-scoped: list it without a namespace. */
export const RUNTIME_CLASSES: ResourceType = {
  group: "node.k8s.io",
  version: "v1",
  plural: "runtimeclasses",
  kind: "RuntimeClass",
};
/** Served only where KEDA is installed. */
export const SCALED_OBJECTS: ResourceType = {
  group: "keda.sh",
  version: "v1alpha1",
  plural: "scaledobjects",
  kind: "ScaledObject",
};

export function spinApps(group: ApiGroup): ResourceType {
  return { group, version: VERSION, plural: "spinapps", kind: "SpinApp" };
}

export function spinAppExecutors(group: ApiGroup): ResourceType {
  return { group, version: VERSION, plural: "spinappexecutors", kind: "SpinAppExecutor" };
}

/** `apiVersion` as objects of this type carry it. */
export function apiVersionOf(type: ResourceType): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}

/** The collection path, in one namespace or (without one) across all namespaces. */
export function collectionPath(type: ResourceType, namespace: string | undefined): string {
  const base = type.group === "" ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope = namespace === undefined ? "" : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${base}${scope}/${type.plural}`;
}

export function objectPath(type: ResourceType, namespace: string, name: string): string {
  return `${collectionPath(type, namespace)}/${encodeURIComponent(name)}`;
}

export const CONFIG_MAPS: ResourceType = {
  group: "",
  version: "v1",
  plural: "configmaps",
  kind: "ConfigMap",
};
