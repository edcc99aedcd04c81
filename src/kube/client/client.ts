/**
 * A small Kubernetes API client: get, list, watch, create, update (including the status subresource),
 * server-side apply and delete of the few resource types the operator uses, over `KubeTransport`.
 * Objects are plain JSON. Server-side apply always sends `fieldManager=<manager>&force=true`, so the
 * operator owns the fields it applies and takes over fields another manager set. One per process.
 */
import { isNotFound } from "./api-error.ts";
import { resolveConnection, type Connection } from "./connection.ts";
import { apiVersionOf, collectionPath, objectPath, type ResourceType } from "./resources.ts";
import { KubeTransport } from "./transport.ts";

/** A Kubernetes object as JSON; `metadata` is always present on objects the server returns. */
export interface KubeResource {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMetadata;
  readonly [field: string]: unknown;
}

export interface ObjectMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly finalizers?: readonly string[];
  readonly deletionTimestamp?: string;
  readonly ownerReferences?: readonly {
    readonly uid: string;
    readonly kind: string;
    readonly name: string;
  }[];
  readonly [field: string]: unknown;
}

export interface ResourceList {
  readonly items: KubeResource[];
  readonly resourceVersion: string;
}

export type WatchEvent =
  | { readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK"; readonly object: KubeResource }
  | { readonly type: "ERROR"; readonly object: { readonly code?: number; readonly message?: string } };

export interface ListOptions {
  readonly labelSelector?: string;
}

export const FIELD_MANAGER = "spindle-operator";

export class KubeClient {
  readonly #transport: KubeTransport;
  readonly fieldManager: string;
  /** The namespace of the kubeconfig context or the pod. */
  readonly defaultNamespace: string;

  constructor(connection: Connection, fieldManager = FIELD_MANAGER) {
    this.#transport = new KubeTransport(connection);
    this.fieldManager = fieldManager;
    this.defaultNamespace = connection.namespace;
  }

  /** The client `kubectl` would build: in a pod, its service account; otherwise the kubeconfig. */
  static fromEnvironment(kubeconfig?: string): KubeClient {
    return new KubeClient(resolveConnection({ kubeconfig }));
  }

  /** The object, or `undefined` when it does not exist. */
  async get(type: ResourceType, namespace: string, name: string): Promise<KubeResource | undefined> {
    try {
      return (await this.#transport.json({
        method: "GET",
        path: objectPath(type, namespace, name),
        what: `get ${type.kind} ${namespace}/${name}`,
      })) as KubeResource;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Every object in `namespace` (all namespaces when `undefined`) and the list's resourceVersion. */
  async list(
    type: ResourceType,
    namespace: string | undefined,
    options: ListOptions = {},
  ): Promise<ResourceList> {
    const query =
      options.labelSelector === undefined
        ? ""
        : `?${new URLSearchParams({ labelSelector: options.labelSelector }).toString()}`;
    const body = (await this.#transport.json({
      method: "GET",
      path: `${collectionPath(type, namespace)}${query}`,
      what: `list ${type.plural}`,
    })) as { items?: KubeResource[]; metadata?: { resourceVersion?: string } };
    const items = (body.items ?? []).map((item) => ({
      apiVersion: apiVersionOf(type),
      kind: type.kind,
      ...item,
    }));
    return { items, resourceVersion: body.metadata?.resourceVersion ?? "" };
  }

  /** The changes after `resourceVersion`, until the server ends the stream or `signal` aborts. */
  watch(
    type: ResourceType,
    namespace: string | undefined,
    resourceVersion: string,
    options: ListOptions & { readonly signal?: AbortSignal } = {},
  ): AsyncGenerator<WatchEvent> {
    const query = new URLSearchParams({ watch: "true", resourceVersion, allowWatchBookmarks: "true" });
    if (options.labelSelector !== undefined) query.set("labelSelector", options.labelSelector);
    return this.#transport.lines({
      method: "GET",
      path: `${collectionPath(type, namespace)}?${query.toString()}`,
      what: `watch ${type.plural}`,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }) as AsyncGenerator<WatchEvent>;
  }

  /** Server-side apply of `object` (which names its own namespace and name); returns the result. */
  async apply(type: ResourceType, object: KubeResource): Promise<KubeResource> {
    const query = new URLSearchParams({ fieldManager: this.fieldManager, force: "true" });
    return (await this.#transport.json({
      method: "PATCH",
      path: `${objectPath(type, namespaceOf(object), object.metadata.name)}?${query.toString()}`,
      body: object,
      contentType: "application/apply-patch+yaml",
      what: `apply ${type.kind} ${namespaceOf(object)}/${object.metadata.name}`,
    })) as KubeResource;
  }

  async create(type: ResourceType, object: KubeResource): Promise<KubeResource> {
    return (await this.#transport.json({
      method: "POST",
      path: `${collectionPath(type, namespaceOf(object))}?fieldManager=${this.fieldManager}`,
      body: object,
      what: `create ${type.kind} ${namespaceOf(object)}/${object.metadata.name}`,
    })) as KubeResource;
  }

  /** Replaces the object; its `metadata.resourceVersion` makes this fail with a conflict if it changed. */
  update(type: ResourceType, object: KubeResource): Promise<KubeResource> {
    return this.#put(type, object, "");
  }

  /** Replaces the object's status through the status subresource. */
  updateStatus(type: ResourceType, object: KubeResource): Promise<KubeResource> {
    return this.#put(type, object, "/status");
  }

  /** Deletes the object; resolves `false` when it did not exist. */
  async delete(type: ResourceType, namespace: string, name: string): Promise<boolean> {
    try {
      await this.#transport.json({
        method: "DELETE",
        path: objectPath(type, namespace, name),
        what: `delete ${type.kind} ${namespace}/${name}`,
      });
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  close(): void {
    this.#transport.close();
  }

  async #put(type: ResourceType, object: KubeResource, suffix: string): Promise<KubeResource> {
    const path = `${objectPath(type, namespaceOf(object), object.metadata.name)}${suffix}`;
    return (await this.#transport.json({
      method: "PUT",
      path: `${path}?fieldManager=${this.fieldManager}`,
      body: object,
      what: `update ${type.kind}${suffix} ${namespaceOf(object)}/${object.metadata.name}`,
    })) as KubeResource;
  }
}

function namespaceOf(object: KubeResource): string {
  return object.metadata.namespace ?? "default";
}
