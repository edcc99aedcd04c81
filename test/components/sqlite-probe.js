// A fetch-event HTTP component that calls Spin's SQLite host interface and reports the outcome, so
// end-to-end tests can assert the host from the outside. `/sqlite-conformance` mirrors Spin's conformance
// `sqlite` case (200 with an empty body when every check holds, 500 with the first failed check
// otherwise). `POST /sqlite/execute?db=LABEL` runs one statement: the body is
// `{ "statement": "...", "parameters": [{ "tag": "integer", "val": "5" }, ...] }` and the answer the
// query result or the error variant, as JSON (integers as decimal strings, blobs as byte arrays). See
// test/e2e/sqlite.test.ts.
//
// It runs inside the component (StarlingMonkey), against WIT imports that neither the type checker nor the
// linter can resolve, so both skip this folder.
import { Connection } from "fermyon:spin/sqlite@2.0.0";

addEventListener("fetch", (event) => event.respondWith(route(event.request)));

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

/** The WIT error variant a failed host call threw, as `{ tag, val }`. */
function errorOf(error) {
  const payload = error && typeof error === "object" && "payload" in error ? error.payload : error;
  if (payload && typeof payload === "object" && "tag" in payload)
    return { tag: payload.tag, val: payload.val };
  return { tag: "unexpected", val: String(error) };
}

function attempt(call) {
  try {
    return { ok: call() ?? null };
  } catch (error) {
    return { err: errorOf(error) };
  }
}

/** A JSON parameter as the glue's `value` variant. */
function toValue({ tag, val }) {
  if (tag === "integer") return { tag, val: BigInt(val) };
  if (tag === "blob") return { tag, val: new Uint8Array(val) };
  return val === undefined ? { tag } : { tag, val };
}

/** A `value` variant as JSON. */
function fromValue({ tag, val }) {
  if (tag === "integer") return { tag, val: val.toString() };
  if (tag === "blob") return { tag, val: [...val] };
  return val === undefined ? { tag } : { tag, val };
}

async function route(request) {
  const url = new URL(request.url);
  const label = url.searchParams.get("db") ?? "default";
  switch (request.headers.get("spin-path-info") || url.pathname) {
    case "/sqlite-conformance":
      return conformance();
    case "/sqlite/execute": {
      const { statement, parameters = [] } = JSON.parse(await request.text());
      return json(
        attempt(() => {
          const result = Connection.open(label).execute(statement, parameters.map(toValue));
          return { columns: result.columns, rows: result.rows.map((row) => row.values.map(fromValue)) };
        }),
      );
    }
    default:
      return new Response("no such route", { status: 404 });
  }
}

function expect(what, actual, expected) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

// The conformance `sqlite` case.
function conformance() {
  try {
    expect('open("forbidden")', attempt(() => Connection.open("forbidden")).err?.tag, "access-denied");
    const db = Connection.open("default");
    db.execute("CREATE TABLE IF NOT EXISTS test_data(key TEXT NOT NULL, value TEXT NOT NULL);", []);
    db.execute("INSERT INTO test_data(key, value) VALUES('my_key', 'my_value');", []);
    const result = db.execute("SELECT * FROM test_data WHERE key = ?", [{ tag: "text", val: "my_key" }]);
    expect("row count", result.rows.length, 1);
    expect("columns", result.columns, ["key", "value"]);
    expect("row", result.rows[0].values, [
      { tag: "text", val: "my_key" },
      { tag: "text", val: "my_value" },
    ]);
    return new Response(null, { status: 200 });
  } catch (error) {
    return new Response(error instanceof Error ? error.message : JSON.stringify(errorOf(error)), {
      status: 500,
    });
  }
}
