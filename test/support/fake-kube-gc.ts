/**
 * The FAKE API server's garbage collector (fake-kube.ts) and the three propagation policies of a DELETE.
 * Like Kubernetes's, it matches an ownerReference to its owner by uid (and group, kind, name and the
 * dependent's namespace, or none for a cluster-scoped owner): a reference whose uid is not the live
 * owner's counts as gone, and an object all of whose owners are gone is deleted, recursively. It runs
 * synchronously after every write instead of as a controller, so a test never waits for it. `Orphan`
 * strips the deleted owner's references from its dependents first; `Foreground` marks the owner with the
 * `foregroundDeletion` finalizer, deletes its dependents (in the foreground too), and removes the owner
 * once no dependent with `blockOwnerDeletion` is left.
 */
import type { Metadata, StoredObject } from "./fake-kube-objects.ts";
import type { Entry, FakeStore } from "./fake-kube-store.ts";

export type Propagation = "Background" | "Foreground" | "Orphan";

const POLICIES: readonly string[] = ["Background", "Foreground", "Orphan"];
const FOREGROUND = "foregroundDeletion";

interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly uid?: string;
  readonly blockOwnerDeletion?: boolean;
}

/**
 * The policy a DELETE asks for, in its DeleteOptions body or its query (Background when neither says),
 * or the message of a 400 for one Kubernetes does not have.
 */
export function propagationOf(
  query: URLSearchParams,
  options: Record<string, unknown> | undefined,
): Propagation | { readonly invalid: string } {
  const asked = options?.["propagationPolicy"] ?? query.get("propagationPolicy") ?? "Background";
  if (typeof asked === "string" && POLICIES.includes(asked)) return asked as Propagation;
  return {
    invalid: `DeleteOptions.propagationPolicy: Unsupported value: ${JSON.stringify(asked)}: supported values: "Foreground", "Background", "Orphan"`,
  };
}

/** Deletes `entry` under `policy`, then collects what that leaves without owners. */
export function deleteWith(store: FakeStore, entry: Entry, policy: Propagation): StoredObject | undefined {
  const { collection, object } = entry;
  if (policy === "Orphan") orphanDependents(store, object);
  const left =
    policy === "Foreground" && dependentsOf(store, object).length > 0
      ? markForeground(store, entry)
      : store.delete(collection, object);
  collectGarbage(store);
  return left === undefined
    ? undefined
    : store.get(collection, object.metadata.namespace ?? "", object.metadata.name);
}

/** Deletes every object whose owners are all gone and finishes foreground deletions, until none is left. */
export function collectGarbage(store: FakeStore): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const entry of store.entries()) {
      const { object } = entry;
      if (!isStored(store, entry)) continue;
      if ((object.metadata.finalizers ?? []).includes(FOREGROUND)) {
        changed = finishForeground(store, entry) || changed;
      } else if (object.metadata.deletionTimestamp === undefined && ownersGone(store, object)) {
        store.delete(entry.collection, object);
        changed = true;
      }
    }
  }
}

function markForeground(store: FakeStore, { collection, object }: Entry): StoredObject {
  const finalizers = [...(object.metadata.finalizers ?? []), FOREGROUND];
  const metadata = {
    ...object.metadata,
    finalizers,
    deletionTimestamp: object.metadata.deletionTimestamp ?? new Date().toISOString(),
  };
  return store.save(collection, { ...object, metadata }, "MODIFIED");
}

/** Deletes the owner's dependents; drops its finalizer once none that blocks it is left. */
function finishForeground(store: FakeStore, owner: Entry): boolean {
  const waiting = dependentsOf(store, owner.object).filter(
    (d) => d.object.metadata.deletionTimestamp === undefined,
  );
  for (const dependent of waiting) {
    if (dependentsOf(store, dependent.object).length > 0) markForeground(store, dependent);
    else store.delete(dependent.collection, dependent.object);
  }
  const uid = owner.object.metadata.uid;
  const blocking = dependentsOf(store, owner.object).some(({ object }) =>
    references(object).some((ref) => ref.uid === uid && ref.blockOwnerDeletion === true),
  );
  if (blocking) return waiting.length > 0;
  const finalizers = (owner.object.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
  const next = { ...owner.object, metadata: { ...owner.object.metadata, finalizers } };
  if (finalizers.length === 0) store.delete(owner.collection, next);
  else store.save(owner.collection, next, "MODIFIED");
  return true;
}

function orphanDependents(store: FakeStore, owner: StoredObject): void {
  for (const { collection, object } of dependentsOf(store, owner)) {
    const kept = references(object).filter((ref) => ref.uid !== owner.metadata.uid);
    const metadata: Metadata = { ...object.metadata };
    if (kept.length === 0) delete metadata["ownerReferences"];
    else metadata["ownerReferences"] = kept;
    store.save(collection, { ...object, metadata }, "MODIFIED");
  }
}

function dependentsOf(store: FakeStore, owner: StoredObject): Entry[] {
  const uid = owner.metadata.uid;
  return store.entries().filter(({ object }) => references(object).some((ref) => ref.uid === uid));
}

function ownersGone(store: FakeStore, object: StoredObject): boolean {
  const refs = references(object);
  return refs.length > 0 && refs.every((ref) => !ownerLives(store, object, ref));
}

function ownerLives(store: FakeStore, dependent: StoredObject, ref: OwnerReference): boolean {
  const namespace = dependent.metadata.namespace ?? "";
  return store
    .entries()
    .some(
      ({ object }) =>
        object.metadata.uid === ref.uid &&
        object.metadata.name === ref.name &&
        object["kind"] === ref.kind &&
        groupOf(object["apiVersion"]) === groupOf(ref.apiVersion) &&
        [namespace, ""].includes(object.metadata.namespace ?? ""),
    );
}

function references(object: StoredObject): OwnerReference[] {
  const refs = object.metadata["ownerReferences"];
  return Array.isArray(refs) ? (refs as OwnerReference[]) : [];
}

/** The group of an apiVersion (`apps/v1` → `apps`, `v1` → the core group): versions do not matter. */
function groupOf(apiVersion: unknown): string {
  const text = typeof apiVersion === "string" ? apiVersion : "";
  return text.includes("/") ? text.slice(0, text.indexOf("/")) : "";
}

function isStored(store: FakeStore, { collection, object }: Entry): boolean {
  return store.get(collection, object.metadata.namespace ?? "", object.metadata.name) === object;
}
