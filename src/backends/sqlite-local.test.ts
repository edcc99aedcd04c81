import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SqlValue } from "./sqlite-database.ts";
import { openLocalDatabase } from "./sqlite-local.ts";

const EVERY_TYPE: SqlValue[] = [
  { tag: "integer", val: 9_007_199_254_740_993n },
  { tag: "integer", val: -(2n ** 63n) },
  { tag: "real", val: 2 },
  { tag: "real", val: -0.5 },
  { tag: "text", val: "Zürich ✓" },
  { tag: "blob", val: new Uint8Array([0, 1, 254, 255]) },
  { tag: "blob", val: new Uint8Array() },
  { tag: "null" },
];

describe("local SQLite database", () => {
  it("round-trips every value type through a table, integers as s64 and integral reals as reals", async () => {
    const db = openLocalDatabase({ path: undefined, allowAttach: false });
    await db.execute("CREATE TABLE t (v)", []);
    for (const value of EVERY_TYPE) await db.execute("INSERT INTO t (v) VALUES (?)", [value]);
    const result = await db.execute("SELECT v, typeof(v) AS kind FROM t ORDER BY rowid", []);
    assert.deepEqual(result.columns, ["v", "kind"]);
    assert.deepEqual(
      result.rows.map((row) => row.values[0]),
      EVERY_TYPE,
    );
    assert.deepEqual(
      result.rows.map((row) => row.values[1]),
      ["integer", "integer", "real", "real", "text", "blob", "blob", "null"].map((val) => ({
        tag: "text",
        val,
      })),
    );
    await db.close();
  });

  it("binds parameters in order and returns the columns of a query that matches nothing", async () => {
    const db = openLocalDatabase({ path: undefined, allowAttach: false });
    await db.executeBatch(
      "CREATE TABLE kv (key TEXT, value TEXT); INSERT INTO kv VALUES ('a', '1'), ('b', '2');",
    );
    const hit = await db.execute("SELECT * FROM kv WHERE key = ? OR value = ?", [
      { tag: "text", val: "a" },
      { tag: "text", val: "2" },
    ]);
    assert.deepEqual(hit, {
      columns: ["key", "value"],
      rows: [
        {
          values: [
            { tag: "text", val: "a" },
            { tag: "text", val: "1" },
          ],
        },
        {
          values: [
            { tag: "text", val: "b" },
            { tag: "text", val: "2" },
          ],
        },
      ],
    });
    const miss = await db.execute("SELECT key FROM kv WHERE key = ?", [{ tag: "text", val: "z" }]);
    assert.deepEqual(miss, { columns: ["key"], rows: [] });
    assert.deepEqual(await db.execute("DELETE FROM kv", []), {
      columns: [],
      rows: [],
      effect: { changes: 2n, lastInsertRowid: 2n },
    });
    await db.close();
  });

  it("rejects with SQLite's message for bad SQL and constraint failures", async () => {
    const db = openLocalDatabase({ path: undefined, allowAttach: false });
    await assert.rejects(db.execute("SELEC 1", []), /near "SELEC": syntax error/);
    await assert.rejects(db.execute("SELECT * FROM missing", []), /no such table: missing/);
    await db.execute("CREATE TABLE u (k TEXT PRIMARY KEY)", []);
    await db.execute("INSERT INTO u VALUES ('x')", []);
    await assert.rejects(db.execute("INSERT INTO u VALUES ('x')", []), /UNIQUE constraint failed: u\.k/);
    await assert.rejects(
      db.executeBatch("CREATE TABLE v (a); INSERT INTO nope VALUES (1)"),
      /no such table: nope/,
    );
    await db.close();
  });

  it("refuses ATTACH unless allowed", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-sqlite-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const other = join(dir, "other.db");
    const closed = openLocalDatabase({ path: undefined, allowAttach: false });
    await assert.rejects(
      closed.execute("ATTACH DATABASE ? AS other", [{ tag: "text", val: other }]),
      /ATTACH is not allowed .*allow_attach_file = true/,
    );
    await closed.close();
    const open = openLocalDatabase({ path: undefined, allowAttach: true });
    await open.execute("ATTACH DATABASE ? AS other", [{ tag: "text", val: other }]);
    await open.execute("CREATE TABLE other.t (a)", []);
    assert.deepEqual((await open.execute("SELECT count(*) AS n FROM other.t", [])).rows, [
      { values: [{ tag: "integer", val: 0n }] },
    ]);
    await open.close();
  });

  it("keeps a file database's rows across connections, creating its directory", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-sqlite-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "state", "sqlite_db.db");
    const first = openLocalDatabase({ path, allowAttach: false });
    await first.execute("CREATE TABLE t (a)", []);
    await first.execute("INSERT INTO t VALUES (?)", [{ tag: "text", val: "kept" }]);
    await first.close();
    const second = openLocalDatabase({ path, allowAttach: false });
    assert.deepEqual((await second.execute("SELECT a FROM t", [])).rows, [
      { values: [{ tag: "text", val: "kept" }] },
    ]);
    assert.deepEqual((await second.execute("PRAGMA journal_mode", [])).rows, [
      { values: [{ tag: "text", val: "wal" }] },
    ]);
    await second.close();
  });
});
