/**
 * The guest's `fermyon:spin/key-value@2.0.0` for one instance: the `store` resource as a host class whose
 * `open` checks the label against the component's `key_value_stores` (`access-denied` otherwise, even
 * for a store that exists) and whose methods call the shared backend. Errors the guest may see are thrown
 * as `GuestError` with the WIT variant (`access-denied`, `no-such-store`, `store-table-full`,
 * `other(message)`); every call returns a promise and is a suspending import. Built per instance; cheap
 * (one class). At most 256 stores may be open per instance, as in Spin.
 */
import type { KeyValueStore } from "../../backends/kv.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";

/** The WIT `error` variant, in the glue's representation. */
export type KeyValueError =
  | { readonly tag: "store-table-full" }
  | { readonly tag: "no-such-store" }
  | { readonly tag: "access-denied" }
  | { readonly tag: "other"; readonly val: string };

export const MAX_OPEN_STORES = 256;

export interface KeyValueAccess {
  /** Labels listed in the component's `key_value_stores`. */
  readonly granted: ReadonlySet<string>;
  /** The shared store of a label, or undefined when no store has that label. */
  store(label: string): Promise<KeyValueStore> | undefined;
}

export function keyValueImports(access: KeyValueAccess): Record<string, object> {
  let open = 0;
  class Store {
    readonly #store: KeyValueStore;
    private constructor(store: KeyValueStore) {
      this.#store = store;
    }
    static async open(label: string): Promise<Store> {
      if (!access.granted.has(label)) throw guestError({ tag: "access-denied" });
      const store = access.store(label);
      if (store === undefined) throw guestError({ tag: "no-such-store" });
      if (open >= MAX_OPEN_STORES) throw guestError({ tag: "store-table-full" });
      const opened = new Store(await backend(() => store));
      open += 1;
      return opened;
    }
    get(key: string): Promise<Uint8Array | undefined> {
      return backend(() => this.#store.get(key));
    }
    set(key: string, value: Uint8Array): Promise<void> {
      return backend(() => this.#store.set(key, value));
    }
    delete(key: string): Promise<void> {
      return backend(() => this.#store.delete(key));
    }
    exists(key: string): Promise<boolean> {
      return backend(() => this.#store.exists(key));
    }
    getKeys(): Promise<string[]> {
      return backend(() => collect(this.#store.keys()));
    }
  }
  return { "fermyon:spin/key-value": { Store }, "spin:key-value/key-value": { Store } };
}

/** Every key once (a Redis SCAN may repeat one). */
async function collect(keys: AsyncIterable<string> | Iterable<string>): Promise<string[]> {
  const seen = new Set<string>();
  for await (const key of keys) seen.add(key);
  return [...seen];
}

/** A backend failure is the guest's `other(message)`, whether thrown or rejected; the instance goes on. */
async function backend<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw guestError({ tag: "other", val: cause instanceof Error ? cause.message : String(cause) });
  }
}

function guestError(error: KeyValueError): GuestError<KeyValueError> {
  return new GuestError(error, `key-value error: ${error.tag}`);
}
