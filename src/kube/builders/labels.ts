/**
 * The label keys and owner references every object built for a SpinApp carries. The keyspace follows the
 * app's API group (`core.spinkube.dev/app-name`, or `core.spinoperator.dev/app-name` for legacy apps).
 */
import type { ApiGroup, SpinApp } from "../model/types.ts";
import { VERSION } from "../model/types.ts";

/** The name of the container port every Spin app listens on. */
export const HTTP_PORT_NAME = "http-app";
/** The port Spin listens on inside the pod. */
export const HTTP_PORT = 80;

export function appNameLabel(group: ApiGroup): string {
  return `${group}/app-name`;
}

export function statusLabel(group: ApiGroup, appName: string): string {
  return `${group}/app.${appName}.status`;
}

/** The labels that select an app's ready pods: the Deployment's selector. */
export function selectorLabels(app: SpinApp): Record<string, string> {
  return {
    [appNameLabel(app.group)]: app.metadata.name,
    [statusLabel(app.group, app.metadata.name)]: "ready",
  };
}

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean;
  readonly blockOwnerDeletion?: boolean;
}

/**
 * `metadata.ownerReferences` pointing at the app, or nothing when the app has no uid yet (objects built
 * offline, before the app exists in a cluster). `controller` marks the managing owner.
 */
export function ownerReferences(app: SpinApp, controller: boolean): { ownerReferences?: OwnerReference[] } {
  const uid = app.metadata.uid;
  if (uid === undefined) return {};
  const base = { apiVersion: `${app.group}/${VERSION}`, kind: "SpinApp", name: app.metadata.name, uid };
  return { ownerReferences: [controller ? { ...base, controller: true, blockOwnerDeletion: true } : base] };
}

/** `metadata.namespace` when the app has one. */
export function namespaceOf(app: SpinApp): { namespace?: string } {
  return app.metadata.namespace === undefined ? {} : { namespace: app.metadata.namespace };
}

/** `{ [key]: map }` when the map has entries, else nothing (Go's `omitempty`). */
export function nonEmpty<K extends string, V>(
  key: K,
  map: Readonly<Record<string, V>> | undefined,
): { [P in K]?: Record<string, V> } {
  if (map === undefined || Object.keys(map).length === 0) return {};
  return { [key]: { ...map } } as { [P in K]?: Record<string, V> };
}

/**
 * The metadata every object built for an app carries, in the order Kubernetes prints it: name, namespace,
 * the app-name label, annotations when there are any, and the owner reference (`controller` for objects
 * the operator manages).
 */
export function appObjectMeta(
  app: SpinApp,
  name: string,
  options: {
    readonly annotations?: Readonly<Record<string, string>> | undefined;
    readonly controller: boolean;
  },
) {
  return {
    name,
    ...namespaceOf(app),
    labels: { [appNameLabel(app.group)]: app.metadata.name },
    ...nonEmpty("annotations", options.annotations),
    ...ownerReferences(app, options.controller),
  };
}
