import { testApp, testContext } from "../test-support.ts";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadedApp } from "../../app/load.ts";
import type { KeyValueStoreConfig } from "../../app/runtime-config.ts";
import { SpindleError } from "../../errors.ts";
import type { CapabilityContext } from "../capability.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";
import { createKeyValueCapability, KEY_VALUE_IMPORTS } from "./key-value.ts";
import { MAX_OPEN_STORES } from "./host.ts";

function app(stores: Record<string, readonly string[] | undefined>): LoadedApp {
  const grants = Object.entries(stores).map(([id, labels]) => [
    id,
    labels === undefined ? {} : { metadata: { key_value_stores: labels } },
  ]);
  return testApp(Object.fromEntries(grants) as Record<string, object>);
}

function context(
  stores: Record<string, KeyValueStoreConfig> = {},
  seed: Record<string, string> = {},
): CapabilityContext {
  return testContext({
    keyValueStores: new Map(Object.entries({ default: { type: "spin" }, ...stores })),
    keyValueSeed: new Map(Object.entries(seed)),
  });
}

interface GuestStore {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  getKeys(): Promise<string[]>;
}
type StoreClass = { open(label: string): Promise<GuestStore> };

function storeClass(imports: Record<string, object>): StoreClass {
  return (imports["fermyon:spin/key-value"] as { Store: StoreClass }).Store;
}

async function guestError(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => assert.fail("expected a guest-visible error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof GuestError);
  return error.payload;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe("key-value capability", () => {
  it("declares every store call as a suspending import, under Spin 2's and Spin 3's names", () => {
    assert.deepEqual(KEY_VALUE_IMPORTS.interfaces, [
      "fermyon:spin/key-value@2.0.0",
      "spin:key-value/key-value@3.0.0",
    ]);
    for (const name of ["fermyon:spin/key-value", "spin:key-value/key-value"]) {
      assert.ok(KEY_VALUE_IMPORTS.suspending.includes(`${name}#[static]store.open`));
      assert.ok(KEY_VALUE_IMPORTS.suspending.includes(`${name}#[method]store.get-keys`));
    }
  });

  it("refuses at load time a label that no store backs", async () => {
    const capability = createKeyValueCapability();
    await assert.rejects(capability.configureApp(app({ web: ["default", "cache"] }), context()), (error) => {
      assert.ok(error instanceof SpindleError);
      assert.equal(error.message, 'unknown key_value_stores label "cache" for component "web"');
      assert.match(error.hint ?? "", /\[key_value_store\.cache\]/);
      return true;
    });
  });

  it("answers access-denied for a label the component was not granted, even one that exists", async () => {
    const capability = createKeyValueCapability();
    const configured = await capability.configureApp(
      app({ web: ["default"], bare: undefined }),
      context({ other: { type: "spin" } }),
    );
    const web = storeClass(configured.prepare("web"));
    assert.deepEqual(await guestError(web.open("other")), { tag: "access-denied" });
    assert.deepEqual(await guestError(web.open("forbidden")), { tag: "access-denied" });
    const bare = storeClass(configured.prepare("bare"));
    assert.deepEqual(await guestError(bare.open("default")), { tag: "access-denied" });
    await capability.close();
  });

  it("shares a store by label across components and instances", async () => {
    const capability = createKeyValueCapability();
    const configured = await capability.configureApp(app({ a: ["default"], b: ["default"] }), context());
    const writer = await storeClass(configured.prepare("a")).open("default");
    await writer.set("k", bytes("v"));
    const reader = await storeClass(configured.prepare("b")).open("default");
    assert.deepEqual(await reader.get("k"), bytes("v"));
    assert.deepEqual(await reader.getKeys(), ["k"]);
    await capability.close();
  });

  it("writes --key-value values to the default store once, before serving", async () => {
    const capability = createKeyValueCapability();
    const ctx = context({}, { greeting: "hello" });
    const first = await capability.configureApp(app({ web: ["default"] }), ctx);
    const store = await storeClass(first.prepare("web")).open("default");
    assert.deepEqual(await store.get("greeting"), bytes("hello"));
    await store.set("greeting", bytes("changed"));
    // A reload configures the app again; the seed must not overwrite what the app wrote since.
    const second = await capability.configureApp(app({ web: ["default"] }), ctx);
    const again = await storeClass(second.prepare("web")).open("default");
    assert.deepEqual(await again.get("greeting"), bytes("changed"));
    await capability.close();
  });

  it("answers store-table-full past the per-instance limit of open stores", async () => {
    const capability = createKeyValueCapability();
    const configured = await capability.configureApp(app({ web: ["default"] }), context());
    const store = storeClass(configured.prepare("web"));
    for (let i = 0; i < MAX_OPEN_STORES; i++) await store.open("default");
    assert.deepEqual(await guestError(store.open("default")), { tag: "store-table-full" });
    // A new instance starts with an empty table.
    await storeClass(configured.prepare("web")).open("default");
    await capability.close();
  });

  it("turns a backend failure into the guest's other(message)", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-kv-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const capability = createKeyValueCapability();
    const ctx = context({ default: { type: "spin", path: join(dir, "kv.db") } });
    const configured = await capability.configureApp(app({ web: ["default"] }), ctx);
    const store = await storeClass(configured.prepare("web")).open("default");
    await capability.close();
    const payload = await guestError(store.set("k", bytes("v")));
    assert.equal((payload as { tag: string }).tag, "other");
    assert.match((payload as { val: string }).val, /finalized|not open/);
  });

  it("reports a SQLite file that cannot be created at load time", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-kv-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "file"), "");
    const capability = createKeyValueCapability();
    const path = join(dir, "file", "kv.db");
    await assert.rejects(
      capability.configureApp(app({ web: ["default"] }), context({ default: { type: "spin", path } })),
      /cannot open key-value store "default" \(SQLite file .*kv\.db\)/,
    );
  });

  it("reports an unreachable Redis store at load time, naming the label and the url without password", async () => {
    const capability = createKeyValueCapability();
    const url = "redis://user:secret@127.0.0.1:1";
    await assert.rejects(
      capability.configureApp(app({ web: ["cache"] }), context({ cache: { type: "redis", url } })),
      (error) => {
        assert.ok(error instanceof SpindleError);
        assert.match(
          error.message,
          /cannot open key-value store "cache" \(Redis at redis:\/\/user:\*\*\*@127\.0\.0\.1:1\)/,
        );
        assert.doesNotMatch(error.message, /secret/);
        return true;
      },
    );
  });
});
