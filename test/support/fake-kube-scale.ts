/**
 * The scale subresource the FAKE API server (fake-kube.ts) serves for a custom resource whose CRD declares
 * one: an `autoscaling/v1` Scale read from, and written to, the paths the CRD names (`specReplicasPath`,
 * `statusReplicasPath`, `labelSelectorPath`), as the API server's generic scale subresource for custom
 * resources does: a missing status replica count reads as 0 and a missing selector as none. Pure
 * functions; built-in kinds (a Deployment's `/scale`) are not served.
 */
import type { StoredObject } from "./fake-kube-objects.ts";

type Json = Record<string, unknown>;

/** What a CRD version's `subresources.scale` declares. */
export interface ScalePaths {
  readonly specReplicasPath: string;
  readonly statusReplicasPath: string;
  readonly labelSelectorPath?: string;
}

/** The object's Scale: its identity, the replicas it asks for, and those and the selector it reports. */
export function scaleOf(object: StoredObject, paths: ScalePaths): Json {
  const { name, namespace, uid, resourceVersion } = object.metadata;
  const selector = paths.labelSelectorPath === undefined ? undefined : at(object, paths.labelSelectorPath);
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name,
      ...(namespace === undefined || namespace === "" ? {} : { namespace }),
      uid,
      resourceVersion,
      creationTimestamp: object.metadata["creationTimestamp"],
    },
    spec: { replicas: numberOr0(at(object, paths.specReplicasPath)) },
    status: {
      replicas: numberOr0(at(object, paths.statusReplicasPath)),
      ...(typeof selector === "string" ? { selector } : {}),
    },
  };
}

/**
 * Why the object has no Scale to read, if it has none: nothing at its `specReplicasPath` (a write of the
 * Scale sets it, as on a real cluster).
 */
export function unreadable(object: StoredObject, paths: ScalePaths): string | undefined {
  return typeof at(object, paths.specReplicasPath) === "number"
    ? undefined
    : `the spec replicas field "${paths.specReplicasPath}" does not exist`;
}

/**
 * The object with the Scale's `spec.replicas` written to `specReplicasPath`, or the message of a 422 for
 * a count the API server would refuse.
 */
export function withReplicas(
  object: StoredObject,
  paths: ScalePaths,
  scale: unknown,
): { readonly object: StoredObject } | { readonly invalid: string } {
  const replicas = ((scale as Json | undefined)?.["spec"] as Json | undefined)?.["replicas"] ?? 0;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    return {
      invalid: `Scale.autoscaling "${object.metadata.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
    };
  }
  const next = structuredClone(object);
  const keys = segments(paths.specReplicasPath);
  const last = keys.pop() ?? "";
  let parent: Json = next;
  for (const key of keys) {
    if (typeof parent[key] !== "object" || parent[key] === null) parent[key] = {};
    parent = parent[key] as Json;
  }
  parent[last] = replicas;
  return { object: next };
}

/** The value at a CRD's simple JSON path (`.spec.replicas`), if any. */
function at(object: Json, path: string): unknown {
  let value: unknown = object;
  for (const key of segments(path)) {
    value = typeof value === "object" && value !== null ? (value as Json)[key] : undefined;
  }
  return value;
}

function segments(path: string): string[] {
  return path.split(".").slice(1);
}

function numberOr0(value: unknown): number {
  return typeof value === "number" ? value : 0;
}
