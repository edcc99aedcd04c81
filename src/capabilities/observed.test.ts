import { test } from "node:test";
import assert from "node:assert/strict";
import { observeImports } from "./observed.ts";

test("reports plain functions and resource class methods, with failures", async () => {
  const calls: string[] = [];
  class Store {
    static open(label: string): Promise<Store> {
      return label === "ok" ? Promise.resolve(new Store()) : Promise.reject(new Error("no-such-store"));
    }
    get(key: string): string {
      return `value of ${key}`;
    }
  }
  const imports = observeImports(
    {
      "fermyon:spin/key-value": { Store },
      "fermyon:spin/variables": {
        get: (name: string) => {
          if (name === "") throw new Error("invalid-name");
          return "v";
        },
      },
    },
    (capability, operation, ok) => calls.push(`${capability} ${operation} ${ok ? "ok" : "error"}`),
  );
  const store = await Store.open("ok");
  assert.equal(store.get("k"), "value of k");
  await assert.rejects(Store.open("nope"));
  const variables = imports["fermyon:spin/variables"] as { get(name: string): string };
  assert.equal(variables.get("a"), "v");
  assert.throws(() => variables.get(""));
  assert.ok(store instanceof Store, "the class keeps its identity");
  assert.deepEqual(calls, [
    "key-value Store.open ok",
    "key-value Store.get ok",
    "key-value Store.open error",
    "variables get ok",
    "variables get error",
  ]);
});

test("a shared import object is wrapped once, however many instances get it", () => {
  const calls: string[] = [];
  class Connection {
    static open(): Connection {
      return new Connection();
    }
  }
  const shared = { "fermyon:spin/sqlite": { Connection }, "fermyon:spin/variables": { get: () => "v" } };
  const report = (capability: string, operation: string) => calls.push(`${capability} ${operation}`);
  observeImports(shared, report);
  observeImports(shared, report);
  Connection.open();
  shared["fermyon:spin/variables"].get();
  assert.deepEqual(calls, ["sqlite Connection.open", "variables get"]);
});
