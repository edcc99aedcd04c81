// A notes API on Spin's host interfaces: notes live in the `default` SQLite database, a visit counter in
// the `default` key-value store, and the owner's name comes from the `owner` variable. Try:
//   curl localhost:3000/                          curl -d '{"text":"buy milk"}' localhost:3000/notes
//   curl localhost:3000/notes                     curl localhost:3000/notes/1
import { AutoRouter, error, type IRequest } from "itty-router";
import { Store } from "fermyon:spin/key-value@2.0.0";
import { Connection, type Value } from "fermyon:spin/sqlite@2.0.0";
import { get as variable } from "fermyon:spin/variables@2.0.0";

const router = AutoRouter();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Note {
  id: number;
  text: string;
}

/** The notes table, created on first use so the app needs no migration step. */
function database(): Connection {
  const db = Connection.open("default");
  db.execute(
    "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT, text TEXT NOT NULL)",
    [],
  );
  return db;
}

function noteOf(values: Value[]): Note {
  const [id, text] = values;
  return {
    id: id?.tag === "integer" ? Number(id.val) : 0,
    text: text?.tag === "text" ? text.val : "",
  };
}

/** Counts this visit in the key-value store and returns the count so far. */
function countVisit(): number {
  const store = Store.open("default");
  const seen = store.get("visits");
  const visits = (seen === undefined ? 0 : Number(decoder.decode(seen))) + 1;
  store.set("visits", encoder.encode(String(visits)));
  return visits;
}

router
  .get("/", () => ({ owner: variable("owner"), visits: countVisit() }))
  .get("/notes", () =>
    database()
      .execute("SELECT id, text FROM notes ORDER BY id", [])
      .rows.map((row) => noteOf(row.values)),
  )
  .get("/notes/:id", ({ params }) => {
    const rows = database().execute("SELECT id, text FROM notes WHERE id = ?", [
      { tag: "integer", val: BigInt(Number(params["id"]) || 0) },
    ]).rows;
    return rows[0] === undefined ? error(404, "no such note") : noteOf(rows[0].values);
  })
  .post("/notes", async (request: IRequest) => {
    const body = (await request.json().catch(() => undefined)) as { text?: unknown } | undefined;
    if (typeof body?.text !== "string" || body.text === "") return error(400, 'send {"text": "…"}');
    const db = database();
    db.execute("INSERT INTO notes (text) VALUES (?)", [{ tag: "text", val: body.text }]);
    const [row] = db.execute("SELECT last_insert_rowid()", []).rows;
    const id = row?.values[0];
    return { id: id?.tag === "integer" ? Number(id.val) : 0, text: body.text };
  });

addEventListener("fetch", (event: FetchEvent) => {
  event.respondWith(router.fetch(event.request));
});
