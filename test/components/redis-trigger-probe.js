// A Redis trigger component: exports Spin's `fermyon:spin/inbound-redis` handler, so end-to-end tests can
// publish to a channel and observe the delivery from the outside. The payload is JSON
// `{ "text": "…", "address"?: "redis://…", "key"?: "…", "fail"?: true }`: the guest prints
// `received <text>`, appends `text` to the list `key` at `address` through Spin's outbound Redis interface
// when both are given, and returns the WIT error when `fail` is set. It also answers HTTP requests
// (printing `fetched <path>`), so one component can be bound to both triggers. See
// test/e2e/redis-trigger.test.ts.
//
// It runs inside the component (StarlingMonkey), against WIT imports that neither the type checker nor the
// linter can resolve, so both skip this folder.
import { Connection } from "fermyon:spin/redis@2.0.0";

const encode = (text) => new TextEncoder().encode(text);

export const inboundRedis = {
  handleMessage(payload) {
    const message = JSON.parse(new TextDecoder().decode(payload));
    console.log(`received ${message.text}`);
    if (message.address !== undefined && message.key !== undefined) {
      const connection = Connection.open(message.address);
      connection.execute("RPUSH", [
        { tag: "binary", val: encode(message.key) },
        { tag: "binary", val: encode(message.text) },
      ]);
    }
    if (message.fail === true) throw "error";
  },
};

addEventListener("fetch", (event) => {
  const path = new URL(event.request.url).pathname;
  console.log(`fetched ${path}`);
  event.respondWith(new Response(`fetched ${path}\n`));
});
