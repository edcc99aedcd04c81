// End to end: the SQLite host interface through `spindle up`, with a JavaScript component calling
// fermyon:spin/sqlite@2.0.0: Spin's conformance `sqlite` and `sqlite-no-permission` cases, values of every
// type through parameters and rows, SQL errors as io(message), `--sqlite` seeding (text and @FILE), a
// runtime-config database with a path relative to the working directory, start-up errors for an undefined
// label and a failing --sqlite statement, a libsql `default` database on a fake Hrana server (no libSQL
// server can run here), and `.spin/sqlite_db.db` kept across a restart.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp, type RunningApp } from "../support/cli.ts";
import { TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { startFakeHrana } from "../support/fake-hrana.ts";
import { suiteScope, type Scope } from "../support/scope.ts";
import { spinProbeWasm } from "../support/components.ts";

const env = { XDG_CACHE_HOME: TEST_CACHE_HOME };
const START = { env, startTimeoutMs: 180_000 };

const MANIFEST = `spin_manifest_version = 2
[application]
name = "sqlite"

[[trigger.http]]
route = "/denied/..."
component = "denied"

[[trigger.http]]
route = "/..."
component = "db"

[component.db]
source = "probe.wasm"
sqlite_databases = ["default", "extra"]

[component.denied]
source = "probe.wasm"
`;

const SINGLE = `spin_manifest_version = 2
[application]
name = "sqlite-single"

[[trigger.http]]
route = "/..."
component = "db"

[component.db]
source = "probe.wasm"
sqlite_databases = ["default"]
`;

function appDir(scope: Scope, manifest: string, files: Record<string, string> = {}): string {
  const dir = makeApp(scope, { manifest, files });
  copyFileSync(spinProbeWasm("sqlite-probe", "sqlite-spin.wit"), join(dir, "probe.wasm"));
  return dir;
}

type Value = { tag: string; val?: unknown };

async function execute(
  app: RunningApp,
  statement: string,
  parameters: Value[] = [],
  path = "",
): Promise<unknown> {
  const response = await request(app.url, `${path}/sqlite/execute`, {
    method: "POST",
    body: JSON.stringify({ statement, parameters }),
  });
  assert.equal(response.status, 200, response.body);
  return JSON.parse(response.body) as unknown;
}

describe("sqlite: conformance, values and permissions", () => {
  const scope = suiteScope();
  let app: RunningApp;
  let dir: string;
  before(async () => {
    dir = appDir(scope, MANIFEST, {
      "rc.toml": '[sqlite_database.extra]\ntype = "spin"\npath = "data/extra.db"\n',
      "seed.sql": "CREATE TABLE pets (name TEXT, legs INTEGER);\nINSERT INTO pets VALUES ('cat', 4);\n",
    });
    app = await startApp(
      scope,
      [
        "-f",
        dir,
        "--runtime-config-file",
        join(dir, "rc.toml"),
        "--sqlite",
        "@seed.sql",
        "--sqlite",
        "INSERT INTO pets VALUES ('bird', 2)",
      ],
      { ...START, cwd: dir },
    );
  });

  it("passes the conformance sqlite case", async () => {
    const response = await request(app.url, "/sqlite-conformance");
    assert.equal(response.body, "");
    assert.equal(response.status, 200);
  });

  it("answers access-denied to a component without sqlite_databases (conformance sqlite-no-permission)", async () => {
    const response = await request(app.url, "/denied/sqlite-conformance");
    assert.equal(response.status, 500);
    assert.equal(response.body, '{"tag":"access-denied"}');
    assert.deepEqual(await execute(app, "SELECT 1", [], "/denied"), { err: { tag: "access-denied" } });
  });

  it("round-trips every value type through parameters and rows", async () => {
    const values: Value[] = [
      { tag: "integer", val: "-9223372036854775808" },
      { tag: "real", val: 2 },
      { tag: "text", val: "Zürich" },
      { tag: "blob", val: [0, 255] },
      { tag: "null" },
    ];
    assert.deepEqual(await execute(app, "CREATE TABLE every (i, r, t, b, n)"), {
      ok: { columns: [], rows: [] },
    });
    await execute(app, "INSERT INTO every VALUES (?, ?, ?, ?, ?)", values);
    assert.deepEqual(await execute(app, "SELECT * FROM every"), {
      ok: { columns: ["i", "r", "t", "b", "n"], rows: [values] },
    });
  });

  it("returns an SQL error to the guest as io(message) and keeps serving", async () => {
    assert.deepEqual(await execute(app, "SELECT * FROM missing"), {
      err: { tag: "io", val: "no such table: missing" },
    });
    const attach = (await execute(app, "ATTACH DATABASE 'other.db' AS other")) as { err: Value };
    assert.equal(attach.err.tag, "io");
    assert.match(String(attach.err.val), /ATTACH is not allowed/);
    assert.deepEqual(await execute(app, "SELECT 1 AS one"), {
      ok: { columns: ["one"], rows: [[{ tag: "integer", val: "1" }]] },
    });
  });

  it("runs --sqlite statements and files against default before serving", async () => {
    assert.deepEqual(await execute(app, "SELECT name, legs FROM pets ORDER BY legs"), {
      ok: {
        columns: ["name", "legs"],
        rows: [
          [
            { tag: "text", val: "bird" },
            { tag: "integer", val: "2" },
          ],
          [
            { tag: "text", val: "cat" },
            { tag: "integer", val: "4" },
          ],
        ],
      },
    });
  });

  it("serves a runtime-config database at a path relative to the working directory", async () => {
    const result = await request(app.url, "/sqlite/execute?db=extra", {
      method: "POST",
      body: JSON.stringify({ statement: "CREATE TABLE t (a)" }),
    });
    assert.equal(result.body, JSON.stringify({ ok: { columns: [], rows: [] } }));
    assert.ok(existsSync(join(dir, "data/extra.db")));
    assert.ok(existsSync(join(dir, ".spin/sqlite_db.db")));
  });
});

describe("sqlite: start-up and persistence", () => {
  it("refuses to start when a component names a database that is not defined", async (t) => {
    const dir = appDir(t, MANIFEST);
    const result = await runSpindle(["up", "--listen", "127.0.0.1:0", "-f", dir], { env });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /One or more components use SQLite databases which are not defined/);
    assert.match(result.stderr, /component "db" uses database "extra"/);
    assert.doesNotMatch(result.stdout, /Serving/);
  });

  it("stops start-up on a failing --sqlite statement, showing it and SQLite's message", async (t) => {
    const dir = appDir(t, SINGLE);
    const result = await runSpindle(
      ["up", "--listen", "127.0.0.1:0", "-f", dir, "--sqlite", "INSERT INTO nope VALUES (1)"],
      { env },
    );
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /--sqlite statement failed: no such table: nope/);
    assert.match(result.stderr, /INSERT INTO nope VALUES \(1\)/);
    assert.doesNotMatch(result.stdout, /Serving/);
  });

  it("serves a libsql default database from runtime config (a fake Hrana server), seeded by --sqlite", async (t) => {
    const server = await startFakeHrana(t, "e2e-token");
    const dir = appDir(t, SINGLE, {
      "rc.toml": `[sqlite_database.default]\ntype = "libsql"\nurl = "${server.url}"\ntoken = "e2e-token"\n`,
    });
    const app = await startApp(
      t,
      [
        "-f",
        dir,
        "--runtime-config-file",
        join(dir, "rc.toml"),
        "--sqlite",
        "CREATE TABLE pets (name TEXT, legs INTEGER); INSERT INTO pets VALUES ('cat', 4)",
      ],
      START,
    );
    const conformance = await request(app.url, "/sqlite-conformance");
    assert.equal(conformance.body, "");
    assert.equal(conformance.status, 200);
    const values: Value[] = [
      { tag: "integer", val: "-9223372036854775808" },
      { tag: "real", val: 2 },
      { tag: "text", val: "Zürich" },
      { tag: "blob", val: [0, 255] },
      { tag: "null" },
    ];
    await execute(app, "CREATE TABLE every (i, r, t, b, n)");
    await execute(app, "INSERT INTO every VALUES (?, ?, ?, ?, ?)", values);
    assert.deepEqual(await execute(app, "SELECT * FROM every"), {
      ok: { columns: ["i", "r", "t", "b", "n"], rows: [values] },
    });
    assert.deepEqual(await execute(app, "SELECT name, legs FROM pets"), {
      ok: {
        columns: ["name", "legs"],
        rows: [
          [
            { tag: "text", val: "cat" },
            { tag: "integer", val: "4" },
          ],
        ],
      },
    });
    const failed = (await execute(app, "SELECT * FROM nope")) as { err: { tag: string; val: string } };
    assert.equal(failed.err.tag, "io");
    assert.match(failed.err.val, /no such table: nope/);
    assert.ok(server.requests.includes("sequence"), "the --sqlite statement ran on the server");
  });

  it("gives the guest io(message) when the libsql server refuses the token", async (t) => {
    const server = await startFakeHrana(t, "right");
    const dir = appDir(t, SINGLE, {
      "rc.toml": `[sqlite_database.default]\ntype = "libsql"\nurl = "${server.url}"\ntoken = "wrong"\n`,
    });
    const app = await startApp(t, ["-f", dir, "--runtime-config-file", join(dir, "rc.toml")], START);
    const answer = (await execute(app, "SELECT 1")) as { err: { tag: string; val: string } };
    assert.equal(answer.err.tag, "io");
    assert.match(answer.err.val, /HTTP status 401: Unauthorized/);
  });

  it("keeps .spin/sqlite_db.db across a restart", async (t) => {
    const dir = appDir(t, SINGLE);
    const first = await startApp(t, ["-f", dir], START);
    await execute(first, "CREATE TABLE kept (v TEXT)");
    await execute(first, "INSERT INTO kept VALUES (?)", [{ tag: "text", val: "still here" }]);
    await first.stop();
    assert.ok(existsSync(join(dir, ".spin/sqlite_db.db")));
    const second = await startApp(t, ["-f", dir], START);
    assert.deepEqual(await execute(second, "SELECT v FROM kept"), {
      ok: { columns: ["v"], rows: [[{ tag: "text", val: "still here" }]] },
    });
    await second.stop();
  });
});
