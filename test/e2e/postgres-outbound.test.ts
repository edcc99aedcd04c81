// End to end: outbound PostgreSQL through `spindle up`, with a JavaScript component calling
// fermyon:spin/postgres@2.0.0 and spin:postgres/postgres@3.0.0 against a real PostgreSQL server: every
// parameter and value type each version defines, the affected-row count of execute, a URL and a key/value
// address, the connection options Spin's parser knows, libpq's lists of hosts tried in order, Spin's errors
// (connection-failed with Spin's "is not permitted" wording for an address the component may not reach,
// value-conversion-failed for unsigned integers, query-failed for bad SQL), and the log line naming the
// manifest entry to add.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { spinProbeWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import {
  POSTGRES_MISSING,
  postgresAvailable,
  startPostgres,
  type RunningPostgres,
} from "../support/postgres.ts";
import { suiteScope } from "../support/scope.ts";

const START = { env: { XDG_CACHE_HOME: TEST_CACHE_HOME }, startTimeoutMs: 180_000 };

function manifest(port: number): string {
  return `spin_manifest_version = 2
[application]
name = "pg-outbound"

[[trigger.http]]
route = "/denied/..."
component = "denied"

[[trigger.http]]
route = "/..."
component = "db"

[component.db]
source = "probe.wasm"
allowed_outbound_hosts = ["postgres://127.0.0.1:${port}", "postgres://localhost:1", "postgres://127.0.0.1:1"]

[component.denied]
source = "probe.wasm"
`;
}

type Param = { tag: string; val?: unknown };
type Step = [method: "query" | "execute", statement: string, params?: Param[]];
type Failure = { err: { tag: string; val: string } };
type Rows = { columns: { name: string; dataType: string }[]; rows: Param[][] };

describe("outbound postgres", { skip: postgresAvailable() ? false : POSTGRES_MISSING }, () => {
  const scope = suiteScope();
  let app: RunningApp;
  let pg: RunningPostgres;

  const run = async (steps: Step[], options: { v?: 2 | 3; address?: string; path?: string } = {}) => {
    const response = await request(app.url, `${options.path ?? ""}/pg?v=${options.v ?? 2}`, {
      method: "POST",
      body: JSON.stringify({ address: options.address ?? pg.url, steps }),
    });
    assert.equal(response.status, 200, response.body);
    return JSON.parse(response.body) as unknown[];
  };

  before(async () => {
    const started = await startPostgres(scope);
    if (started === undefined) throw new Error(POSTGRES_MISSING);
    pg = started;
    const dir = makeApp(scope, { manifest: manifest(pg.port) });
    copyFileSync(spinProbeWasm("pg-probe", "pg-spin.wit", "pg-spin3.wit"), join(dir, "probe.wasm"));
    app = await startApp(scope, ["-f", dir], START);
  });

  it("round-trips every 2.0 value type through parameters and rows, and counts affected rows", async () => {
    const values: Param[] = [
      { tag: "boolean", val: true },
      { tag: "int16", val: -32768 },
      { tag: "int32", val: 2147483647 },
      { tag: "int64", val: "-9223372036854775808" },
      { tag: "floating32", val: 1.5 },
      { tag: "floating64", val: 0.1 },
      { tag: "str", val: "Zürich" },
      { tag: "binary", val: [0, 1, 255] },
      { tag: "db-null" },
    ];
    const results = await run([
      [
        "execute",
        "CREATE TABLE every (b bool, s int2, i int4, l int8, f float4, d float8, t text, y bytea, n text)",
      ],
      ["execute", "INSERT INTO every VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", values],
      [
        "execute",
        "INSERT INTO every (t) VALUES ($1), ($2)",
        [
          { tag: "int8", val: 7 },
          { tag: "str", val: "x" },
        ],
      ],
      ["query", "SELECT * FROM every WHERE b"],
      ["execute", "DELETE FROM every WHERE t IS NOT NULL"],
    ]);
    assert.deepEqual(results.slice(0, 3), ["0", "1", "2"]);
    const rows = results[3] as Rows;
    assert.deepEqual(
      rows.columns.map((c) => [c.name, c.dataType]),
      [
        ["b", "boolean"],
        ["s", "int16"],
        ["i", "int32"],
        ["l", "int64"],
        ["f", "floating32"],
        ["d", "floating64"],
        ["t", "str"],
        ["y", "binary"],
        ["n", "str"],
      ],
    );
    assert.deepEqual(rows.rows, [values]);
    assert.equal(results[4], "3");
  });

  it("gives 2.0 guests dates as other/unsupported and refuses unsigned integers", async () => {
    const [rows, refused] = (await run([
      ["query", "SELECT DATE '2024-02-29' AS day, NULL::date AS none"],
      ["query", "SELECT $1::int4", [{ tag: "uint8", val: 1 }]],
    ])) as [Rows, Failure];
    assert.deepEqual(rows.columns, [
      { name: "day", dataType: "other" },
      { name: "none", dataType: "other" },
    ]);
    assert.deepEqual(rows.rows, [[{ tag: "unsupported" }, { tag: "db-null" }]]);
    assert.deepEqual(refused, {
      err: { tag: "value-conversion-failed", val: "Postgres does not support unsigned integers" },
    });
  });

  it("round-trips 3.0 dates, times and date-times, reading timestamptz in UTC", async () => {
    const [rows] = (await run(
      [
        [
          "query",
          "SELECT $1::date AS d, $2::time AS t, $3::timestamp AS ts, TIMESTAMPTZ '2024-01-01 01:30:00+02' AS tz, $4::timestamptz AS epoch, DATE '0044-03-15 BC' AS ides",
          [
            { tag: "date", val: [2024, 2, 29] },
            { tag: "time", val: [23, 59, 58, 123456000] },
            { tag: "datetime", val: [1999, 12, 31, 23, 59, 59, 500000000] },
            { tag: "timestamp", val: "86400" },
          ],
        ],
      ],
      { v: 3 },
    )) as [Rows];
    assert.deepEqual(
      rows.columns.map((c) => c.dataType),
      ["date", "time", "datetime", "datetime", "datetime", "date"],
    );
    assert.deepEqual(rows.rows, [
      [
        { tag: "date", val: [2024, 2, 29] },
        { tag: "time", val: [23, 59, 58, 123456000] },
        { tag: "datetime", val: [1999, 12, 31, 23, 59, 59, 500000000] },
        { tag: "datetime", val: [2023, 12, 31, 23, 30, 0, 0] },
        { tag: "datetime", val: [1970, 1, 2, 0, 0, 0, 0] },
        { tag: "date", val: [-43, 3, 15] },
      ],
    ]);
  });

  it("answers query-failed with the server's message, and keeps serving", async () => {
    const [failed] = (await run([["query", "SELECT * FROM missing"]])) as [Failure];
    assert.deepEqual(failed, { err: { tag: "query-failed", val: 'relation "missing" does not exist' } });
    const [rows] = (await run([["query", "SELECT 1::int4 AS one"]], { v: 3 })) as [Rows];
    assert.deepEqual(rows.rows, [[{ tag: "int32", val: 1 }]]);
  });

  it("connects with a key/value address as well as a URL", async () => {
    const address = `host=127.0.0.1 port=${pg.port} user=postgres dbname='postgres'`;
    const [rows] = (await run([["query", "SELECT current_user::text AS who"]], { address })) as [Rows];
    assert.deepEqual(rows.rows, [[{ tag: "str", val: "postgres" }]]);
  });

  it("tries libpq's hosts in order, each on its own port, until one accepts", async () => {
    const query: Step[] = [["query", "SELECT current_user::text AS who"]];
    for (const address of [
      `postgres://postgres@localhost:1,127.0.0.1:${pg.port}/postgres`,
      `host=localhost,127.0.0.1 port=1,${pg.port} user=postgres dbname=postgres`,
    ]) {
      const [rows] = (await run(query, { address })) as [Rows];
      assert.deepEqual(rows.rows, [[{ tag: "str", val: "postgres" }]], address);
    }
  });

  it("names every host tried when none accepts", async () => {
    const address = "postgres://postgres@localhost:1,127.0.0.1:1/postgres";
    const [failed] = (await run([], { address })) as [Failure];
    assert.equal(failed.err.tag, "connection-failed");
    assert.match(
      failed.err.val,
      /^no host accepted the connection: postgres:\/\/localhost:1: .*ECONNREFUSED.*; postgres:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
    );
  });

  it("checks every host against allowed_outbound_hosts before trying any, as Spin does", async () => {
    const address = `postgres://postgres@127.0.0.1:${pg.port},db.example.com/postgres`;
    assert.deepEqual(await run([], { address }), [
      { err: { tag: "connection-failed", val: "address postgres://db.example.com is not permitted" } },
    ]);
  });

  it("refuses an option Spin's parser does not know, naming it", async () => {
    const address = `host=127.0.0.1 port=${pg.port} user=postgres sslcert=client.pem`;
    const [failed] = (await run([], { address })) as [Failure];
    assert.equal(failed.err.tag, "connection-failed");
    assert.match(
      failed.err.val,
      /^unknown connection option "sslcert"; the accepted options are host, hostaddr, /,
    );
  });

  it("connects with the options Spin's parser knows that Spindle honours", async () => {
    const options =
      "sslmode=disable&keepalives=1&keepalives_idle=60&keepalives_interval=5&channel_binding=disable";
    const address = `postgres://postgres@127.0.0.1:${pg.port}/postgres?${options}&application_name=probe`;
    const [rows] = (await run([["query", "SELECT current_setting('application_name') AS app"]], {
      address,
    })) as [Rows];
    assert.deepEqual(rows.rows, [[{ tag: "str", val: "probe" }]]);
  });

  it("refuses a login without channel binding when the address requires it, as Spin does", async () => {
    const address = `postgres://postgres@127.0.0.1:${pg.port}/postgres?sslmode=disable&channel_binding=require`;
    assert.deepEqual(await run([], { address }), [
      { err: { tag: "connection-failed", val: "server did not use channel binding" } },
    ]);
  });

  it("answers connection-failed for an address not in allowed_outbound_hosts, and logs the entry to add", async () => {
    assert.deepEqual(await run([], { path: "/denied" }), [
      { err: { tag: "connection-failed", val: `address postgres://127.0.0.1:${pg.port} is not permitted` } },
    ]);
    const line = await app.stderrLine(`may not connect to PostgreSQL at postgres://127.0.0.1:${pg.port}`);
    assert.ok(line.includes(`allowed_outbound_hosts = [\\"postgres://127.0.0.1:${pg.port}\\"]`), line);
    assert.ok(line.includes("[component.denied]"), line);
  });

  it("answers connection-failed when nothing listens at an allowed address", async () => {
    const [failed] = (await run([], { address: "postgres://postgres@localhost:1/postgres" })) as [Failure];
    assert.equal(failed.err.tag, "connection-failed");
    assert.match(failed.err.val, /ECONNREFUSED/);
  });
});
