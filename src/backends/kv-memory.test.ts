import { describe } from "node:test";
import { keyValueContract } from "./kv.contract.ts";
import type { KeyValueStore } from "./kv.ts";
import { openMemoryStore } from "./kv-memory.ts";

describe("in-memory key-value backend", () => {
  // One map per label, as the key-value capability shares an in-memory store by label.
  const stores = new Map<string, KeyValueStore>();
  keyValueContract({
    open: (label) => {
      const store = stores.get(label) ?? openMemoryStore();
      stores.set(label, store);
      return Promise.resolve(store);
    },
  });
});
