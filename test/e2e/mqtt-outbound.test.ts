// End to end: outbound MQTT through `spindle up`, with a JavaScript component calling
// fermyon:spin/mqtt@2.0.0 against a real mosquitto broker: messages published at each quality of service
// reach a subscriber, and Spin's errors come back — connection-failed with Spin's "is not permitted"
// wording for an address the component may not reach (and the log line naming the entry to add),
// invalid-address for an address that is no MQTT URL, connection-failed when no broker listens.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { connectAsync } from "mqtt";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { spinProbeWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import {
  MOSQUITTO_MISSING,
  mosquittoAvailable,
  startMosquitto,
  type RunningMosquitto,
} from "../support/mqtt.ts";
import { suiteScope } from "../support/scope.ts";

const START = { env: { XDG_CACHE_HOME: TEST_CACHE_HOME }, startTimeoutMs: 180_000 };

function manifest(port: number): string {
  return `spin_manifest_version = 2
[application]
name = "mqtt-outbound"

[[trigger.http]]
route = "/denied/..."
component = "denied"

[[trigger.http]]
route = "/..."
component = "publisher"

[component.publisher]
source = "probe.wasm"
allowed_outbound_hosts = ["mqtt://127.0.0.1:${port}", "mqtt://127.0.0.1:1", "*://nowhere:*"]

[component.denied]
source = "probe.wasm"
`;
}

interface Script {
  readonly address: string;
  readonly username?: string;
  readonly password?: string;
  readonly messages?: readonly (readonly [topic: string, payload: string, qos: string])[];
}

describe("outbound mqtt", { skip: mosquittoAvailable() ? false : MOSQUITTO_MISSING }, () => {
  const scope = suiteScope();
  let app: RunningApp;
  let broker: RunningMosquitto;

  const publish = async (script: Script, path = "/mqtt"): Promise<unknown> => {
    const response = await request(app.url, path, { method: "POST", body: JSON.stringify(script) });
    assert.equal(response.status, 200, response.body);
    return JSON.parse(response.body) as unknown;
  };

  before(async () => {
    const started = await startMosquitto(scope);
    if (started === undefined) throw new Error(MOSQUITTO_MISSING);
    broker = started;
    const dir = makeApp(scope, { manifest: manifest(broker.port) });
    copyFileSync(spinProbeWasm("mqtt-probe", "mqtt-spin.wit"), join(dir, "probe.wasm"));
    app = await startApp(scope, ["-f", dir], START);
  });

  it("publishes at every quality of service to a subscriber", async (t) => {
    const subscriber = await connectAsync(broker.url, { reconnectPeriod: 0 });
    t.after(() => subscriber.endAsync(true));
    const received: string[] = [];
    subscriber.on("message", (topic, payload) => received.push(`${topic}: ${payload.toString()}`));
    await subscriber.subscribeAsync("news/#", { qos: 2 });
    const address = `${broker.url}?client_id=spintest`;
    const result = await publish({
      address,
      username: "user",
      password: "ignored by an open broker",
      messages: [
        ["news/a", "at most once", "at-most-once"],
        ["news/b", "at least once", "at-least-once"],
        ["news/c", "exactly once", "exactly-once"],
      ],
    });
    assert.deepEqual(result, { ok: 3 });
    for (let waited = 0; received.length < 3 && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(received.sort(), [
      "news/a: at most once",
      "news/b: at least once",
      "news/c: exactly once",
    ]);
    // A second request reuses the connection of the same address and credentials.
    assert.deepEqual(await publish({ address, username: "user", password: "ignored by an open broker" }), {
      ok: 0,
    });
  });

  it("answers connection-failed for an address not in allowed_outbound_hosts, and logs the entry to add", async () => {
    const address = `mqtt://127.0.0.1:${broker.port}?client_id=spintest`;
    assert.deepEqual(await publish({ address }, "/denied/mqtt"), {
      err: { tag: "connection-failed", val: `address ${address} is not permitted` },
    });
    const line = await app.stderrLine(`may not connect to MQTT at mqtt://127.0.0.1:${broker.port}`);
    assert.ok(line.includes(`allowed_outbound_hosts = [\\"mqtt://127.0.0.1:${broker.port}\\"]`), line);
    assert.ok(line.includes("[component.denied]"), line);
  });

  it("answers invalid-address for an address that is no MQTT URL, connection-failed when no broker listens", async () => {
    assert.deepEqual(await publish({ address: "https://nowhere" }), { err: { tag: "invalid-address" } });
    const refused = (await publish({ address: "mqtt://127.0.0.1:1" })) as {
      err: { tag: string; val: string };
    };
    assert.equal(refused.err.tag, "connection-failed");
    assert.match(refused.err.val, /ECONNREFUSED/);
  });
});
