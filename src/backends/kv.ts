/**
 * The contract every key-value backend meets: one store (a label's data), byte values, absent keys as
 * `undefined`, `delete` of an absent key not an error, `keys` streamed so a large store is never held in
 * memory at once by the backend. Backends know nothing of guests or labels' permissions; the key-value
 * capability maps their failures to the guest's `other(…)` error. One object per open store, shared by
 * every component and request that uses the label, until the host closes it.
 */

export interface KeyValueStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Every key, in no particular order (`for await` reads both shapes). */
  keys(): AsyncIterable<string> | Iterable<string>;
  close(): Promise<void>;
}
