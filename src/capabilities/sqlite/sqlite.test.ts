import { testApp, testContext } from "../test-support.ts";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LoadedApp } from "../../app/load.ts";
import type { SqliteDatabaseConfig } from "../../app/runtime-config.ts";
import type { QueryResult, SqlValue } from "../../backends/sqlite-database.ts";
import { SpindleError } from "../../errors.ts";
import type { CapabilityContext } from "../capability.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";
import { startFakeHrana } from "../../../test/support/fake-hrana.ts";
import { createSqliteCapability, SQLITE_IMPORTS } from "./sqlite.ts";

function app(databases: Record<string, readonly string[] | undefined>): LoadedApp {
  const grants = Object.entries(databases).map(([id, labels]) => [
    id,
    labels === undefined ? {} : { metadata: { databases: labels } },
  ]);
  return testApp(Object.fromEntries(grants) as Record<string, object>);
}

const MEMORY: SqliteDatabaseConfig = { type: "spin", allowAttachFile: false };

function context(
  databases: Record<string, SqliteDatabaseConfig> = {},
  statements: readonly string[] = [],
): CapabilityContext {
  return testContext({
    sqliteDatabases: new Map(Object.entries({ default: MEMORY, ...databases })),
    sqliteStatements: statements,
  });
}

interface GuestConnection {
  execute(statement: string, parameters: SqlValue[]): Promise<QueryResult>;
  lastInsertRowid(): bigint;
  changes(): bigint;
}
type ConnectionClass = { open(label: string): Promise<GuestConnection> };

function connectionClass(imports: Record<string, object>): ConnectionClass {
  return (imports["fermyon:spin/sqlite"] as { Connection: ConnectionClass }).Connection;
}

async function guestError(promise: Promise<unknown>): Promise<unknown> {
  const error = await promise.then(
    () => assert.fail("expected a guest-visible error"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof GuestError);
  return error.payload;
}

const text = (val: string): SqlValue => ({ tag: "text", val });

describe("sqlite capability", () => {
  it("declares open and execute as suspending imports, under Spin 2's and Spin 3's names", () => {
    assert.deepEqual(SQLITE_IMPORTS, {
      interfaces: ["fermyon:spin/sqlite@2.0.0", "spin:sqlite/sqlite@3.0.0"],
      suspending: [
        "fermyon:spin/sqlite#[static]connection.open",
        "fermyon:spin/sqlite#[method]connection.execute",
        "spin:sqlite/sqlite#[static]connection.open",
        "spin:sqlite/sqlite#[method]connection.execute",
      ],
      calls: { dbSystem: "sqlite", opens: "label" },
    });
  });

  it("refuses at load time every label that no database backs, naming component and label", async () => {
    const capability = createSqliteCapability();
    await assert.rejects(
      capability.configureApp(app({ web: ["default", "analytics"], job: ["logs"] }), context()),
      (error) => {
        assert.ok(error instanceof SpindleError);
        assert.equal(
          error.message,
          'One or more components use SQLite databases which are not defined: component "web" uses database "analytics"; component "job" uses database "logs"',
        );
        assert.match(error.hint ?? "", /\[sqlite_database\.<label>\]/);
        return true;
      },
    );
  });

  it("serves a libsql database from the runtime config, seeded by --sqlite, with last-insert-rowid and changes", async (t) => {
    const server = await startFakeHrana(t, "t0k");
    const capability = createSqliteCapability();
    t.after(() => capability.close());
    const remote: SqliteDatabaseConfig = { type: "libsql", url: server.url, token: "t0k" };
    const configured = await capability.configureApp(
      app({ web: ["default"] }),
      context({ default: remote }, ["CREATE TABLE t (v); INSERT INTO t VALUES (1)"]),
    );
    const db = await connectionClass(configured.prepare("web")).open("default");
    await db.execute("INSERT INTO t VALUES (?)", [text("two")]);
    assert.equal(db.lastInsertRowid(), 2n);
    assert.equal(db.changes(), 1n);
    assert.deepEqual((await db.execute("SELECT v FROM t ORDER BY rowid", [])).rows, [
      { values: [{ tag: "integer", val: 1n }] },
      { values: [text("two")] },
    ]);
    assert.ok(server.requests.includes("sequence"), "--sqlite statements run as a batch on the server");
  });

  it("gives the guest io(message) when a libsql server refuses the token", async (t) => {
    const server = await startFakeHrana(t, "right");
    const capability = createSqliteCapability();
    t.after(() => capability.close());
    const remote: SqliteDatabaseConfig = { type: "libsql", url: server.url, token: "wrong" };
    const configured = await capability.configureApp(app({ web: ["remote"] }), context({ remote }));
    const db = await connectionClass(configured.prepare("web")).open("remote");
    const error = (await guestError(db.execute("SELECT 1", []))) as { tag: string; val: string };
    assert.equal(error.tag, "io");
    assert.match(error.val, /HTTP status 401/);
  });

  it("answers access-denied for a label the component was not granted, even one that exists", async () => {
    const capability = createSqliteCapability();
    const configured = await capability.configureApp(
      app({ web: ["default"], bare: undefined }),
      context({ other: MEMORY }),
    );
    const web = connectionClass(configured.prepare("web"));
    assert.deepEqual(await guestError(web.open("other")), { tag: "access-denied" });
    assert.deepEqual(await guestError(web.open("forbidden")), { tag: "access-denied" });
    const bare = connectionClass(configured.prepare("bare"));
    assert.deepEqual(await guestError(bare.open("default")), { tag: "access-denied" });
    await capability.close();
  });

  it("shares a database by label across components and instances, returning columns and typed rows", async () => {
    const capability = createSqliteCapability();
    const configured = await capability.configureApp(app({ a: ["default"], b: ["default"] }), context());
    const writer = await connectionClass(configured.prepare("a")).open("default");
    await writer.execute("CREATE TABLE t (n INTEGER, r REAL, s TEXT, b BLOB, z)", []);
    const values: SqlValue[] = [
      { tag: "integer", val: -(2n ** 63n) },
      { tag: "real", val: 1.5 },
      text("ü"),
      { tag: "blob", val: new Uint8Array([7]) },
      { tag: "null" },
    ];
    assert.deepEqual(await writer.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", values), {
      columns: [],
      rows: [],
    });
    assert.equal(writer.lastInsertRowid(), 1n, "spin:sqlite@3.0.0's last-insert-rowid");
    assert.equal(writer.changes(), 1n, "spin:sqlite@3.0.0's changes");
    const reader = await connectionClass(configured.prepare("b")).open("default");
    assert.deepEqual(await reader.execute("SELECT * FROM t", []), {
      columns: ["n", "r", "s", "b", "z"],
      rows: [{ values }],
    });
    await capability.close();
  });

  it("turns a failing statement into the guest's io(message), and the connection goes on", async () => {
    const capability = createSqliteCapability();
    const configured = await capability.configureApp(app({ web: ["default"] }), context());
    const connection = await connectionClass(configured.prepare("web")).open("default");
    assert.deepEqual(await guestError(connection.execute("SELECT * FROM nowhere", [])), {
      tag: "io",
      val: "no such table: nowhere",
    });
    const attach = await guestError(connection.execute("ATTACH DATABASE '/tmp/x.db' AS x", []));
    assert.match((attach as { val: string }).val, /ATTACH is not allowed/);
    assert.deepEqual((await connection.execute("SELECT ? AS v", [text("still here")])).rows, [
      { values: [text("still here")] },
    ]);
    await capability.close();
  });

  it("runs --sqlite statements against default once, before serving, across reloads", async () => {
    const capability = createSqliteCapability();
    const ctx = context({}, ["CREATE TABLE seeded (v TEXT); INSERT INTO seeded VALUES ('one')"]);
    await capability.configureApp(app({ web: ["default"] }), ctx);
    // A reload configures the app again; running the statements twice would fail on CREATE TABLE.
    const again = await capability.configureApp(app({ web: ["default"] }), ctx);
    const connection = await connectionClass(again.prepare("web")).open("default");
    assert.deepEqual((await connection.execute("SELECT v FROM seeded", [])).rows, [
      { values: [text("one")] },
    ]);
    await capability.close();
  });

  it("stops start-up on a failing --sqlite statement, naming it and SQLite's message", async () => {
    const capability = createSqliteCapability();
    await assert.rejects(
      capability.configureApp(app({}), context({}, ["INSERT INTO nope VALUES (1)"])),
      (error) => {
        assert.ok(error instanceof SpindleError);
        assert.match(error.message, /--sqlite statement failed: no such table: nope/);
        assert.match(error.message, /statement: INSERT INTO nope VALUES \(1\)/);
        return true;
      },
    );
    await capability.close();
  });

  it("reports a database file that cannot be created at load time", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-sqlite-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "file"), "");
    const capability = createSqliteCapability();
    const path = join(dir, "file", "db.sqlite");
    await assert.rejects(
      capability.configureApp(app({ web: ["default"] }), context({ default: { ...MEMORY, path } })),
      /cannot open SQLite database "default" \(file .*db\.sqlite\)/,
    );
  });
});
