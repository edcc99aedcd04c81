import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { keyValueContract } from "./kv.contract.ts";
import type { KeyValueStore } from "./kv.ts";
import { openSqliteStore } from "./kv-sqlite.ts";

describe("SQLite key-value backend", () => {
  const dir = mkdtempSync(join(tmpdir(), "spindle-kv-sqlite-"));
  const path = join(dir, "nested", "sqlite_key_value.db");
  const opened: KeyValueStore[] = [];
  after(async () => {
    for (const store of opened) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (label: string) => {
    const store = openSqliteStore(path, label);
    opened.push(store);
    return store;
  };

  keyValueContract({ open: (label) => Promise.resolve(open(label)) });

  it("uses Spin's table, so the file is interchangeable with Spin's", async () => {
    await open("spin-shape").set("k", Uint8Array.from([1, 2]));
    const db = new DatabaseSync(path, { readOnly: true });
    const row = db.prepare("SELECT store, key, value FROM spin_key_value WHERE store = 'spin-shape'").get();
    db.close();
    assert.deepEqual(
      { ...row, value: [...(row?.["value"] as Uint8Array)] },
      { store: "spin-shape", key: "k", value: [1, 2] },
    );
  });

  it("keeps an acknowledged set when the process is killed right after it", () => {
    const script = `
      import { openSqliteStore } from ${JSON.stringify(new URL("./kv-sqlite.ts", import.meta.url).href)};
      const store = openSqliteStore(${JSON.stringify(path)}, "crash");
      await store.set("survivor", new Uint8Array([42]));
      process.kill(process.pid, "SIGKILL");`;
    assert.throws(() =>
      execFileSync(process.execPath, ["--input-type=module", "-e", script], { stdio: "ignore" }),
    );
    const db = new DatabaseSync(path, { readOnly: true });
    const row = db
      .prepare("SELECT value FROM spin_key_value WHERE store = 'crash' AND key = 'survivor'")
      .get();
    db.close();
    assert.deepEqual([...(row?.["value"] as Uint8Array)], [42]);
  });
});
