// A fetch-event HTTP component that calls Spin's key-value and variables host interfaces and reports the
// outcome, so end-to-end tests can assert the host from the outside. `/kv-conformance` and
// `/variables-conformance` mirror Spin's conformance cases (200 with an empty body when every check holds,
// 500 with the first failed check otherwise); the other routes perform one call each, except
// `/kv/get-then-fetch`, a key-value get followed by an outbound request to the `x-target` header's URL. See
// test/e2e/key-value.test.ts, test/e2e/variables-capability.test.ts and test/e2e/traces.test.ts.
//
// It runs inside the component (StarlingMonkey), against WIT imports that neither the type checker nor the
// linter can resolve, so both skip this folder.
import { Store } from "fermyon:spin/key-value@2.0.0";
import { get as getVariable } from "fermyon:spin/variables@2.0.0";

addEventListener("fetch", (event) => event.respondWith(route(event.request)));

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

const text = (bytes) => (bytes === undefined ? null : new TextDecoder().decode(bytes));

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

async function route(request) {
  const url = new URL(request.url);
  const query = url.searchParams;
  const label = query.get("store") ?? "default";
  const key = query.get("key") ?? "";
  // Under a wildcard route such as `/denied/...` the call is named by the part after the prefix.
  switch (request.headers.get("spin-path-info") || url.pathname) {
    case "/kv-conformance":
      return conformance(() => keyValueChecks(label));
    case "/variables-conformance":
      return conformance(variablesChecks);
    case "/kv/open":
      return json(attempt(() => (Store.open(label), "opened")));
    case "/kv/get":
      return json(attempt(() => text(Store.open(label).get(key))));
    case "/kv/set":
      return json(
        attempt(() => Store.open(label).set(key, new TextEncoder().encode(query.get("value") ?? ""))),
      );
    case "/kv/delete":
      return json(attempt(() => Store.open(label).delete(key)));
    case "/kv/exists":
      return json(attempt(() => Store.open(label).exists(key)));
    case "/kv/keys":
      return json(attempt(() => Store.open(label).getKeys().sort()));
    case "/kv/get-then-fetch": {
      const value = text(Store.open(label).get(key));
      const response = await fetch(request.headers.get("x-target") ?? "");
      return json({ value, upstream: response.status });
    }
    case "/var":
      return json(attempt(() => getVariable(query.get("name") ?? "")));
    default:
      return new Response("no such route", { status: 404 });
  }
}

function conformance(checks) {
  try {
    checks();
    return new Response(null, { status: 200 });
  } catch (error) {
    return new Response(error instanceof Error ? error.message : JSON.stringify(errorOf(error)), {
      status: 500,
    });
  }
}

function expect(what, actual, expected) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

function expectError(what, call, tag) {
  const outcome = attempt(call);
  expect(what, outcome.err?.tag, tag);
}

// The conformance `key-value` case: a forbidden label, then delete/exists/get/get-keys/set semantics.
function keyValueChecks(label) {
  expectError('open("forbidden")', () => Store.open("forbidden"), "access-denied");
  const store = Store.open(label);
  store.delete("foo");
  store.delete("bar");
  expect("exists before set", store.exists("foo"), false);
  expect("get before set", text(store.get("foo")), null);
  expect("get-keys before set", store.getKeys().includes("foo"), false);
  store.set("foo", new TextEncoder().encode("bar"));
  expect("get after set", text(store.get("foo")), "bar");
  expect("exists after set", store.exists("foo"), true);
  expect("get-keys after set", store.getKeys().includes("foo"), true);
  store.set("foo", new TextEncoder().encode("baz"));
  expect("get after override", text(store.get("foo")), "baz");
  store.set("bar", new TextEncoder().encode("qux"));
  const keys = store.getKeys();
  expect(
    "get-keys with a second key",
    ["bar", "foo"].map((k) => keys.includes(k)),
    [true, true],
  );
  store.delete("foo");
  store.delete("foo");
  expect("exists after delete", store.exists("foo"), false);
  expect(
    "get-keys after delete",
    ["bar", "foo"].map((k) => store.getKeys().includes(k)),
    [true, false],
  );
  store.delete("bar");
}

// The conformance `variables` case.
function variablesChecks() {
  expect('get("variable")', getVariable("variable"), "value");
  expectError('get("non_existent")', () => getVariable("non_existent"), "undefined");
  for (const name of ["invalid-name", "invalid!name", "4invalidname"]) {
    expectError(`get(${JSON.stringify(name)})`, () => getVariable(name), "invalid-name");
  }
}
