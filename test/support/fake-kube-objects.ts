/**
 * The FAKE API server's objects (fake-kube.ts): how a request path names a collection or an object, the
 * metadata the server adds or keeps, and label and field selectors. Pure functions, no I/O.
 */
import { randomUUID } from "node:crypto";

type Json = Record<string, unknown>;

export interface Metadata {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  [key: string]: unknown;
}
export interface StoredObject extends Json {
  metadata: Metadata;
}

export interface Route {
  readonly base: string;
  readonly namespace: string | undefined;
  readonly plural: string;
  readonly name: string | undefined;
  readonly subresource: "status" | "scale" | undefined;
}

const ROUTE =
  /^\/(api\/v1|apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?(?:\/(status|scale))?$/;

export function parseRoute(path: string): Route | undefined {
  const match = ROUTE.exec(path);
  if (match === null) return undefined;
  return {
    base: match[1] ?? "",
    namespace: match[2],
    plural: match[3] ?? "",
    name: match[4],
    subresource: match[5] as Route["subresource"],
  };
}

export function collectionKey(path: string): string {
  const route = parseRoute(path);
  return route === undefined ? path : `${collectionOf(route)}/${route.namespace ?? ""}/`;
}

export function collectionOf(route: Route): string {
  return `${route.base}/${route.plural}`;
}

/** The collection, namespace and name the store keeps the route's object under. */
export function objectKeyParts(route: Route): [collection: string, namespace: string, name: string] {
  return [collectionOf(route), route.namespace ?? "", route.name ?? ""];
}

/** What the server answers: a status code and a JSON body. */
export interface Reply {
  readonly code: number;
  readonly body: unknown;
}

/** A `Status` object, the body of every error and of some successes. */
export function status(code: number, reason: string, message: string): Json {
  return {
    kind: "Status",
    apiVersion: "v1",
    status: code < 300 ? "Success" : "Failure",
    code,
    reason,
    message,
  };
}

export function notFound(route: Route): Reply {
  return { code: 404, body: status(404, "NotFound", `${route.plural} "${route.name ?? ""}" not found`) };
}

export function fresh(body: StoredObject, namespace: string): StoredObject {
  const metadata: Metadata = {
    ...body.metadata,
    namespace,
    uid: randomUUID(),
    generation: 1,
    creationTimestamp: new Date().toISOString(),
  };
  return { ...body, metadata };
}

export function identity(current: StoredObject): Partial<Metadata> {
  const { uid, generation, resourceVersion, deletionTimestamp, namespace } = current.metadata;
  const creationTimestamp = current.metadata["creationTimestamp"];
  return {
    ...(namespace === undefined ? {} : { namespace }),
    ...(uid === undefined ? {} : { uid }),
    ...(generation === undefined ? {} : { generation }),
    ...(resourceVersion === undefined ? {} : { resourceVersion }),
    ...(deletionTimestamp === undefined ? {} : { deletionTimestamp }),
    creationTimestamp,
  };
}

export function statusOf(current: StoredObject): Json {
  return current["status"] === undefined ? {} : { status: current["status"] };
}

/** `labelSelector` (`key=value`, `key`) and `fieldSelector` on `metadata.name` and `metadata.namespace`. */
export function matchesSelectors(object: StoredObject, query: URLSearchParams): boolean {
  const fields: Record<string, string | undefined> = {
    "metadata.name": object.metadata.name,
    "metadata.namespace": object.metadata.namespace,
  };
  return (
    terms(query.get("labelSelector")).every(([k, v]) => {
      const value = object.metadata.labels?.[k];
      return v === undefined ? value !== undefined : value === v;
    }) && terms(query.get("fieldSelector")).every(([k, v]) => fields[k] === v)
  );
}

function terms(selector: string | null): [string, string | undefined][] {
  if (selector === null || selector === "") return [];
  return selector.split(",").map((term) => {
    const [k = "", v] = term.split("=");
    return [k, v];
  });
}
