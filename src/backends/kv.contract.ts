/**
 * The behaviour every key-value backend must show, as one suite run against each (kv-memory.test.ts,
 * kv-sqlite.test.ts, kv-redis.test.ts): absent keys, round trips of arbitrary bytes, overwrite, idempotent
 * delete, exists, complete key listings, and isolation between stores. Not a test file itself.
 */
import { it } from "node:test";
import assert from "node:assert/strict";
import type { KeyValueStore } from "./kv.ts";

export interface ContractTarget {
  /** Opens the store `label` of one shared backing (the same file or server for every label). */
  open(label: string): Promise<KeyValueStore>;
}

async function keysOf(store: KeyValueStore): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.keys()) keys.push(key);
  return keys.sort();
}

let next = 0;
/** A label no earlier case used, so cases never see each other's data. */
const fresh = () => `case-${process.pid}-${next++}`;

export function keyValueContract(target: ContractTarget): void {
  it("answers undefined and false for a key never set", async () => {
    const store = await target.open(fresh());
    assert.equal(await store.get("missing"), undefined);
    assert.equal(await store.exists("missing"), false);
    assert.deepEqual(await keysOf(store), []);
  });

  it("returns exactly the bytes set, including empty and non-UTF-8 values", async () => {
    const store = await target.open(fresh());
    const binary = Uint8Array.from([0, 255, 1, 254, 0x80, 0]);
    await store.set("binary", binary);
    await store.set("empty", new Uint8Array());
    await store.set("ключ ✓", new TextEncoder().encode("unicode key"));
    assert.deepEqual(await store.get("binary"), binary);
    assert.deepEqual(await store.get("empty"), new Uint8Array());
    assert.equal(new TextDecoder().decode(await store.get("ключ ✓")), "unicode key");
    assert.equal(await store.exists("empty"), true);
  });

  it("does not alias the caller's buffer", async () => {
    const store = await target.open(fresh());
    const value = Uint8Array.from([1, 2, 3]);
    await store.set("k", value);
    value[0] = 9;
    const read = await store.get("k");
    assert.deepEqual(read, Uint8Array.from([1, 2, 3]));
  });

  it("overwrites a value on a second set", async () => {
    const store = await target.open(fresh());
    await store.set("k", Uint8Array.from([1]));
    await store.set("k", Uint8Array.from([2, 2]));
    assert.deepEqual(await store.get("k"), Uint8Array.from([2, 2]));
    assert.deepEqual(await keysOf(store), ["k"]);
  });

  it("deletes a key, and deleting an absent key is not an error", async () => {
    const store = await target.open(fresh());
    await store.set("k", Uint8Array.from([1]));
    await store.delete("k");
    await store.delete("k");
    await store.delete("never-set");
    assert.equal(await store.get("k"), undefined);
    assert.equal(await store.exists("k"), false);
  });

  it("lists every key exactly once, past one page of results", async () => {
    const store = await target.open(fresh());
    const expected = Array.from({ length: 1050 }, (_, i) => `key-${String(i).padStart(4, "0")}`);
    for (const key of expected) await store.set(key, Uint8Array.from([1]));
    assert.deepEqual(await keysOf(store), expected);
  });

  it("keeps stores apart, and shares a store between openers of the same label", async () => {
    const label = fresh();
    const [a, b, again] = [await target.open(label), await target.open(fresh()), await target.open(label)];
    await a.set("shared", Uint8Array.from([7]));
    assert.equal(await b.get("shared"), undefined);
    assert.deepEqual(await keysOf(b), []);
    assert.deepEqual(await again.get("shared"), Uint8Array.from([7]));
  });
}
