/**
 * The FAKE API server's memory (fake-kube.ts): the stored objects by collection, namespace and name, the
 * resourceVersion counter every write moves, the change history a watch replays from a resourceVersion,
 * and the open watches each change is pushed to. One per fake, in memory, gone when the fake stops.
 * Deleting here honours finalizers as the API server does: an object that still has some is only marked
 * with a deletionTimestamp, and is removed by the write that takes its last finalizer away.
 */
import type { StoredObject } from "./fake-kube-objects.ts";

export interface Change {
  readonly rv: number;
  readonly collection: string;
  readonly namespace: string;
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly object: StoredObject;
}

/** A stored object and the collection (`apis/apps/v1/deployments`) it lives in. */
export interface Entry {
  readonly collection: string;
  readonly object: StoredObject;
}

export class FakeStore {
  readonly #objects = new Map<string, Entry>();
  readonly #changes: Change[] = [];
  readonly #watchers = new Set<(change: Change) => void>();
  #rv = 1;

  /** The resourceVersion of the last write. */
  get rv(): number {
    return this.#rv;
  }

  get(collection: string, namespace: string, name: string): StoredObject | undefined {
    return this.#objects.get(key(collection, namespace, name))?.object;
  }

  /** Every stored object with its collection, in the order they were first stored. */
  entries(): Entry[] {
    return [...this.#objects.values()];
  }

  /** The objects whose key (`<collection>/<namespace>/<name>`) starts with `prefix`. */
  withPrefix(prefix: string): StoredObject[] {
    return [...this.#objects.entries()].filter(([k]) => k.startsWith(prefix)).map(([, e]) => e.object);
  }

  /** Stores `object` under a new resourceVersion and tells the watches. */
  save(collection: string, object: StoredObject, type: "ADDED" | "MODIFIED"): StoredObject {
    this.#stamp(object);
    this.#objects.set(key(collection, object.metadata.namespace ?? "", object.metadata.name), {
      collection,
      object,
    });
    this.#record(type, collection, object);
    return object;
  }

  /**
   * Deletes `object` as the API server does: marks it (deletionTimestamp) while it has finalizers, removes
   * it otherwise. Resolves with what is left stored, or undefined once it is gone.
   */
  delete(collection: string, object: StoredObject): StoredObject | undefined {
    if ((object.metadata.finalizers ?? []).length === 0) {
      this.#remove(collection, object);
      return undefined;
    }
    if (object.metadata.deletionTimestamp !== undefined) return object;
    const deletionTimestamp = new Date().toISOString();
    return this.save(
      collection,
      { ...object, metadata: { ...object.metadata, deletionTimestamp } },
      "MODIFIED",
    );
  }

  /** The changes after `since`, or undefined when the history no longer reaches back that far (410). */
  changesSince(since: number): Change[] | undefined {
    const oldest = this.#changes[0]?.rv ?? this.#rv + 1;
    if (since < this.#rv && oldest > since + 1) return undefined;
    return this.#changes.filter((change) => change.rv > since);
  }

  /** Calls `watcher` with every change from now on; returns the function that stops it. */
  watch(watcher: (change: Change) => void): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /** Forgets the change history. */
  compact(): void {
    this.#changes.splice(0, this.#changes.length);
  }

  #remove(collection: string, object: StoredObject): void {
    this.#objects.delete(key(collection, object.metadata.namespace ?? "", object.metadata.name));
    this.#stamp(object);
    this.#record("DELETED", collection, object);
  }

  #stamp(object: StoredObject): void {
    this.#rv += 1;
    object.metadata.resourceVersion = String(this.#rv);
  }

  #record(type: Change["type"], collection: string, object: StoredObject): void {
    const change = { rv: this.#rv, collection, namespace: object.metadata.namespace ?? "", type, object };
    this.#changes.push(change);
    for (const watcher of this.#watchers) watcher(change);
  }
}

function key(collection: string, namespace: string, name: string): string {
  return `${collection}/${namespace}/${name}`;
}
