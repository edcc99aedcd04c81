// A fetch-event HTTP component that calls Spin's outbound PostgreSQL host interfaces and reports the
// outcome, so end-to-end tests can assert the host from the outside. `POST /pg?v=2` (fermyon:spin/
// postgres@2.0.0) or `?v=3` (spin:postgres/postgres@3.0.0) runs a script: the body is
// `{ "address": "postgres://…", "steps": [["execute", "SQL", [params]], ["query", "SQL", [params]]] }`,
// parameters as `{ "tag": "int32", "val": 5 }` (64-bit integers as decimal strings, bytes as arrays). The
// answer lists each step's result as JSON (64-bit integers as strings, bytes as arrays) up to the first
// error variant, which ends the list as `{ "err": { tag, val } }`; a failed `open` is the only entry. See
// test/e2e/postgres-outbound.test.ts.
//
// It runs inside the component (StarlingMonkey), against WIT imports that neither the type checker nor the
// linter can resolve, so both skip this folder.
import { Connection as Connection2 } from "fermyon:spin/postgres@2.0.0";
import { Connection as Connection3 } from "spin:postgres/postgres@3.0.0";

addEventListener("fetch", (event) => event.respondWith(route(event.request)));

const BIG = new Set(["int64", "uint64", "timestamp"]);

/** The WIT error variant a failed host call threw, as `{ tag, val }`. */
function errorOf(error) {
  const payload = error && typeof error === "object" && "payload" in error ? error.payload : error;
  if (payload && typeof payload === "object" && "tag" in payload)
    return { tag: payload.tag, val: payload.val };
  return { tag: "unexpected", val: String(error) };
}

function parameter({ tag, val }) {
  if (BIG.has(tag)) return { tag, val: BigInt(val) };
  if (tag === "binary") return { tag, val: new Uint8Array(val) };
  return val === undefined ? { tag } : { tag, val };
}

/** A host value as JSON: bigints as strings, bytes as arrays. */
function plain(value) {
  if (typeof value === "bigint") return value.toString();
  if (ArrayBuffer.isView(value)) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value ?? null;
}

function run(Connection, address, steps) {
  const results = [];
  let connection;
  try {
    connection = Connection.open(address);
  } catch (error) {
    return [{ err: errorOf(error) }];
  }
  for (const [method, statement, params = []] of steps) {
    try {
      results.push(plain(connection[method](statement, params.map(parameter))));
    } catch (error) {
      results.push({ err: errorOf(error) });
      break;
    }
  }
  return results;
}

async function route(request) {
  if (request.method !== "POST") return new Response("POST a script", { status: 405 });
  const version = new URL(request.url).searchParams.get("v") ?? "2";
  const { address, steps = [] } = JSON.parse(await request.text());
  const results = run(version === "3" ? Connection3 : Connection2, address, steps);
  return new Response(JSON.stringify(results), { headers: { "content-type": "application/json" } });
}
