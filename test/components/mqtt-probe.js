// A fetch-event HTTP component that calls Spin's outbound MQTT host interface and reports the outcome, so
// end-to-end tests can assert the host from the outside. `POST /mqtt` opens a connection and publishes:
// the body is `{ "address": "mqtt://…", "username": "", "password": "", "keepAlive": 30,
// "messages": [["topic", "payload", "at-least-once"], …] }`. The answer is `{ "ok": <messages sent> }`
// or the first error variant as `{ "err": { tag, val } }`. See test/e2e/mqtt-outbound.test.ts.
//
// It runs inside the component (StarlingMonkey), against WIT imports that neither the type checker nor the
// linter can resolve, so both skip this folder.
import { Connection } from "fermyon:spin/mqtt@2.0.0";

addEventListener("fetch", (event) => event.respondWith(route(event.request)));

/** The WIT error variant a failed host call threw, as `{ tag, val }`. */
function errorOf(error) {
  const payload = error && typeof error === "object" && "payload" in error ? error.payload : error;
  if (payload && typeof payload === "object" && "tag" in payload)
    return { tag: payload.tag, val: payload.val };
  return { tag: "unexpected", val: String(error) };
}

function publish({ address, username = "", password = "", keepAlive = 30, messages = [] }) {
  try {
    const connection = Connection.open(address, username, password, BigInt(keepAlive));
    for (const [topic, payload, qos] of messages) {
      connection.publish(topic, new TextEncoder().encode(payload), qos);
    }
    return { ok: messages.length };
  } catch (error) {
    return { err: errorOf(error) };
  }
}

async function route(request) {
  if (request.method !== "POST") return new Response("POST a script", { status: 405 });
  const result = publish(JSON.parse(await request.text()));
  return new Response(JSON.stringify(result), { headers: { "content-type": "application/json" } });
}
