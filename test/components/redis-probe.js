// A fetch-event HTTP component that calls Spin's outbound Redis host interface and reports the outcome, so
// end-to-end tests can assert the host from the outside. `POST /redis` runs a script: the body is
// `{ "address": "redis://…", "steps": [["set", "k", "v"], ["get", "k"], …] }`; every step is one method of
// the connection with its arguments (payloads as text, `execute` parameters as `{ "int64": "5" }` or
// `{ "binary": "text" }`). The answer lists each step's result, as JSON (integers as numbers, payloads as
// text), up to the first error variant, which ends the list as `{ "err": { tag, val } }`; a failed
// `open` is the only entry. See test/e2e/redis.test.ts.
//
// It runs inside the component (StarlingMonkey), against WIT imports that neither the type checker nor the
// linter can resolve, so both skip this folder.
import { Connection } from "fermyon:spin/redis@2.0.0";

addEventListener("fetch", (event) => event.respondWith(route(event.request)));

const encode = (text) => new TextEncoder().encode(text);

/** The WIT error variant a failed host call threw, as `{ tag, val }`. */
function errorOf(error) {
  const payload = error && typeof error === "object" && "payload" in error ? error.payload : error;
  if (payload && typeof payload === "object" && "tag" in payload)
    return { tag: payload.tag, val: payload.val };
  return { tag: "unexpected", val: String(error) };
}

/** A host value as JSON: bigints as numbers, bytes as text, variants as `{ tag, val }`. */
function plain(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === "bigint") return Number(value);
  if (ArrayBuffer.isView(value)) return new TextDecoder().decode(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && "tag" in value) return { tag: value.tag, val: plain(value.val) };
  return value;
}

function parameter(arg) {
  return "int64" in arg
    ? { tag: "int64", val: BigInt(arg.int64) }
    : { tag: "binary", val: encode(arg.binary) };
}

function call(connection, [method, ...args]) {
  switch (method) {
    case "publish":
    case "set":
      return connection[method](args[0], encode(args[1]));
    case "execute":
      return connection.execute(args[0], args.slice(1).map(parameter));
    case "del":
      return connection.del(args);
    case "sadd":
    case "srem":
      return connection[method](args[0], args.slice(1));
    default:
      return connection[method](...args);
  }
}

function run(address, steps) {
  const results = [];
  let connection;
  try {
    connection = Connection.open(address);
  } catch (error) {
    return [{ err: errorOf(error) }];
  }
  for (const step of steps) {
    try {
      results.push(plain(call(connection, step)));
    } catch (error) {
      results.push({ err: errorOf(error) });
      break;
    }
  }
  return results;
}

async function route(request) {
  if (request.method !== "POST") return new Response("POST a script", { status: 405 });
  const { address, steps = [] } = JSON.parse(await request.text());
  return new Response(JSON.stringify(run(address, steps)), {
    headers: { "content-type": "application/json" },
  });
}
