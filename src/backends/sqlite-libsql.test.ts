// The libsql backend against a FAKE Hrana-over-HTTP server (test/support/fake-hrana.ts): no libSQL
// server can run here, so these check the client wiring and value mapping, not sqld's own behaviour.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { startFakeHrana } from "../../test/support/fake-hrana.ts";
import { freePort } from "../../test/support/ports.ts";
import type { SqlValue } from "./sqlite-database.ts";
import { openLibsqlDatabase } from "./sqlite-libsql.ts";

const TOKEN = "s3cret-token";

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

describe("libsql SQLite database (against a fake Hrana server)", () => {
  it("round-trips every value type through parameters and rows, integers as exact s64", async (t) => {
    const server = await startFakeHrana(t, TOKEN);
    const db = await openLibsqlDatabase({ url: server.url, token: TOKEN });
    t.after(() => db.close());
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
    assert.ok(server.requests.includes("execute") && server.requests.includes("close"));
  });

  it("reports rows changed and the last inserted rowid of a statement without rows", async (t) => {
    const server = await startFakeHrana(t, TOKEN);
    const db = await openLibsqlDatabase({ url: server.url, token: TOKEN });
    t.after(() => db.close());
    await db.execute("CREATE TABLE kv (key TEXT, value TEXT)", []);
    assert.deepEqual(
      await db.execute("INSERT INTO kv VALUES (?, ?), ('b', '2')", [
        { tag: "text", val: "a" },
        { tag: "text", val: "1" },
      ]),
      { columns: [], rows: [], effect: { changes: 2n, lastInsertRowid: 2n } },
    );
    const miss = await db.execute("SELECT key FROM kv WHERE key = ?", [{ tag: "text", val: "z" }]);
    assert.deepEqual(miss, { columns: ["key"], rows: [] });
    assert.deepEqual((await db.execute("DELETE FROM kv", [])).effect, { changes: 2n, lastInsertRowid: 2n });
  });

  it("runs a batch of statements as one sequence", async (t) => {
    const server = await startFakeHrana(t, TOKEN);
    const db = await openLibsqlDatabase({ url: server.url, token: TOKEN });
    t.after(() => db.close());
    await db.executeBatch("CREATE TABLE n (v INTEGER); INSERT INTO n VALUES (1); INSERT INTO n VALUES (2);");
    assert.ok(server.requests.includes("sequence"));
    const sum = await db.execute("SELECT sum(v) AS total FROM n", []);
    assert.deepEqual(sum.rows, [{ values: [{ tag: "integer", val: 3n }] }]);
    await assert.rejects(db.executeBatch("INSERT INTO missing VALUES (1)"), /no such table: missing/);
  });

  it("rejects with the server's message for bad SQL and constraint failures, and goes on", async (t) => {
    const server = await startFakeHrana(t, TOKEN);
    const db = await openLibsqlDatabase({ url: server.url, token: TOKEN });
    t.after(() => db.close());
    await assert.rejects(db.execute("SELEC 1", []), /near "SELEC": syntax error/);
    await assert.rejects(db.execute("SELECT * FROM missing", []), /no such table: missing/);
    await db.execute("CREATE TABLE u (id INTEGER PRIMARY KEY)", []);
    await db.execute("INSERT INTO u VALUES (1)", []);
    await assert.rejects(db.execute("INSERT INTO u VALUES (1)", []), /UNIQUE constraint failed: u\.id/);
    const one = await db.execute("SELECT count(*) AS n FROM u", []);
    assert.deepEqual(one.rows, [{ values: [{ tag: "integer", val: 1n }] }]);
  });

  it("opens without contacting the server; a wrong token fails the first statement with HTTP 401", async (t) => {
    const server = await startFakeHrana(t, TOKEN);
    const db = await openLibsqlDatabase({ url: server.url, token: "wrong" });
    t.after(() => db.close());
    assert.deepEqual(server.requests, []);
    await assert.rejects(db.execute("SELECT 1", []), /HTTP status 401: Unauthorized/);
    await assert.rejects(db.executeBatch("SELECT 1"), /HTTP status 401/);
  });

  it("sends its requests through the fetch it is given", async (t) => {
    const server = await startFakeHrana(t, TOKEN);
    const paths: string[] = [];
    const db = await openLibsqlDatabase({
      url: server.url,
      token: TOKEN,
      fetch: (input, init) => {
        paths.push(new URL(input instanceof Request ? input.url : input).pathname);
        return fetch(input, init);
      },
    });
    t.after(() => db.close());
    await db.execute("SELECT 1", []);
    assert.ok(paths.includes("/v2/pipeline"), paths.join(", "));
    assert.ok(server.requests.includes("execute"));
  });

  it("fails the first statement with the network cause when nothing listens at the url", async () => {
    const db = await openLibsqlDatabase({ url: `http://127.0.0.1:${await freePort()}`, token: TOKEN });
    await assert.rejects(db.execute("SELECT 1", []), /fetch failed: .*ECONNREFUSED/);
    await db.close();
  });
});
