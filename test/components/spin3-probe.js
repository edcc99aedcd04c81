// A fetch-event HTTP component that calls the key-value, SQLite and variables interfaces under the package
// names the Spin 3 SDKs import (`spin:key-value@3.0.0`, `spin:sqlite@3.0.0`, `spin:variables@3.0.0`) and
// reports what came back; see test/e2e/spin3-interfaces.test.ts.
//
// It runs inside the component (StarlingMonkey), against WIT imports that neither the type checker nor the
// linter can resolve, so both skip this folder.
import { Store } from "spin:key-value/key-value@3.0.0";
import { Connection } from "spin:sqlite/sqlite@3.0.0";
import { get as getVariable } from "spin:variables/variables@3.0.0";

addEventListener("fetch", (event) => event.respondWith(handle()));

function handle() {
  const store = Store.open("default");
  store.set("spin3", new TextEncoder().encode("three"));
  const db = Connection.open("default");
  db.execute("CREATE TABLE IF NOT EXISTS items (name TEXT)", []);
  db.execute("INSERT INTO items VALUES (?), (?)", [
    { tag: "text", val: "a" },
    { tag: "text", val: "b" },
  ]);
  const report = {
    value: new TextDecoder().decode(store.get("spin3")),
    keys: store.getKeys(),
    lastInsertRowid: String(db.lastInsertRowid()),
    changes: String(db.changes()),
    greeting: getVariable("greeting"),
  };
  return new Response(JSON.stringify(report), { headers: { "content-type": "application/json" } });
}
