import { test } from "node:test";
import assert from "node:assert/strict";
import { noopObserver, type HostCallStart, type Observer } from "../observe/observer.ts";
import { GuestError } from "./wasi/p2/guest-error.ts";
import type { HostCallKind } from "./capability.ts";
import { observeImports } from "./observed.ts";

/** An observer that writes down every host call's start and end, in order. */
function recorder() {
  const log: string[] = [];
  const starts: HostCallStart[] = [];
  const observer: Observer = {
    ...noopObserver,
    hostCall(start) {
      starts.push(start);
      log.push(`start ${start.capability} ${start.operation}`);
      return {
        end: (failure) =>
          log.push(`end ${start.operation} ${failure ? `${failure.type}: ${failure.message}` : "ok"}`),
      };
    },
  };
  return { observer, log, starts };
}

const noKinds = new Map<string, HostCallKind>();

test("reports plain functions and resource class methods, with failures", async () => {
  const { observer, log } = recorder();
  class Store {
    static open(label: string): Promise<Store> {
      return label === "ok"
        ? Promise.resolve(new Store())
        : Promise.reject(new GuestError({ tag: "no-such-store" }, "key-value error: no-such-store"));
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
          if (name === "") throw new GuestError({ tag: "invalid-name", val: "" }, "bad name");
          return "v";
        },
      },
    },
    observer,
    noKinds,
  );
  const store = await Store.open("ok");
  assert.equal(store.get("k"), "value of k");
  await assert.rejects(Store.open("nope"));
  const variables = imports["fermyon:spin/variables"] as { get(name: string): string };
  assert.equal(variables.get("a"), "v");
  assert.throws(() => variables.get(""));
  assert.ok(store instanceof Store, "the class keeps its identity");
  assert.deepEqual(log, [
    "start key-value Store.open",
    "end Store.open ok",
    "start key-value Store.get",
    "end Store.get ok",
    "start key-value Store.open",
    "end Store.open no-such-store: key-value error: no-such-store",
    "start variables get",
    "end get ok",
    "start variables get",
    "end get invalid-name: bad name",
  ]);
});

test("an asynchronous call ends when its promise settles, not when it returns", async () => {
  const { observer, log } = recorder();
  let settle: () => void = () => undefined;
  const imports = observeImports(
    { "fermyon:spin/mqtt": { publish: () => new Promise<void>((resolve) => (settle = resolve)) } },
    observer,
    noKinds,
  );
  const pending = (imports["fermyon:spin/mqtt"] as { publish(): Promise<void> }).publish();
  assert.deepEqual(log, ["start mqtt publish"]);
  settle();
  await pending;
  assert.deepEqual(log, ["start mqtt publish", "end publish ok"]);
});

test("a resource's calls carry the label or server its open was given, never an address's credentials", async () => {
  const { observer, starts } = recorder();
  class Store {
    static open(_label: string): Promise<Store> {
      return Promise.resolve(new Store());
    }
    get(): undefined {
      return undefined;
    }
  }
  class Connection {
    static open(_address: string): Connection {
      return new Connection();
    }
    execute(): void {}
  }
  observeImports(
    { "fermyon:spin/key-value": { Store }, "fermyon:spin/redis": { Connection } },
    observer,
    new Map<string, HostCallKind>([
      ["fermyon:spin/key-value", { opens: "label" }],
      ["fermyon:spin/redis", { dbSystem: "redis", opens: "address" }],
    ]),
  );
  (await Store.open("cache")).get();
  Connection.open("redis://user:secret@[::1]:6380/0").execute();
  Connection.open("not a url").execute();
  assert.deepEqual(
    starts.map((s) => [s.operation, s.dbSystem, s.label, s.server]),
    [
      ["Store.open", undefined, "cache", undefined],
      ["Store.get", undefined, "cache", undefined],
      ["Connection.open", "redis", undefined, { address: "::1", port: 6380 }],
      ["Connection.execute", "redis", undefined, { address: "::1", port: 6380 }],
      ["Connection.open", "redis", undefined, undefined],
      ["Connection.execute", "redis", undefined, undefined],
    ],
  );
  assert.doesNotMatch(JSON.stringify(starts), /secret|user/);
});

test("a shared import object is wrapped once, however many instances get it", () => {
  const { observer, log } = recorder();
  class Connection {
    static open(): Connection {
      return new Connection();
    }
  }
  const shared = { "fermyon:spin/sqlite": { Connection }, "fermyon:spin/variables": { get: () => "v" } };
  observeImports(shared, observer, noKinds);
  observeImports(shared, observer, noKinds);
  Connection.open();
  shared["fermyon:spin/variables"].get();
  assert.deepEqual(log, [
    "start sqlite Connection.open",
    "end Connection.open ok",
    "start variables get",
    "end get ok",
  ]);
});
