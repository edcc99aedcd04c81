// End to end: the Redis trigger through `spindle up`, with a JavaScript component exporting
// fermyon:spin/inbound-redis against a real redis-server. A message published on a channel reaches the
// component bound to it (which records it in Redis through its outbound Redis permission), each channel
// its own component, a guest's error is logged without stopping the trigger, and delivery resumes after
// the server restarts. An app with only Redis triggers listens for no HTTP; one with both runs both, a
// component bound to both is set up once for the two, and `spindle watch` reloads both or neither. An
// unreachable server and manifest mistakes stop `spindle up` with a clear message.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { runSpindle, startApp, type RunningApp } from "../support/cli.ts";
import { componentWasm, spinProbeWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { freePort } from "../support/ports.ts";
import {
  publish,
  REDIS_MISSING,
  redisAvailable,
  startRedis,
  waitForList,
  type RunningRedis,
} from "../support/redis.ts";
import { adminUrl, scrape, value } from "../support/prometheus.ts";
import { suiteScope, type Scope } from "../support/scope.ts";

const START = {
  env: { XDG_CACHE_HOME: TEST_CACHE_HOME },
  startTimeoutMs: 180_000,
  ready: /^Active Channels on .*:$/m,
};

function probeWasm(): string {
  return spinProbeWasm("redis-trigger-probe", "redis-spin.wit", "inbound-redis-spin.wit");
}

function redisApp(port: number, extra = ""): string {
  return `spin_manifest_version = 2
[application]
name = "redis-trigger"

[application.trigger.redis]
address = "redis://127.0.0.1:{{ redis_port }}"

[variables]
redis_port = { default = "${port}" }
second_channel = { default = "beta" }

[[trigger.redis]]
channel = "alpha"
component = "first"

[[trigger.redis]]
channel = "{{ second_channel }}"
component = "second"
${extra}
[component.first]
source = "probe.wasm"
allowed_outbound_hosts = ["redis://127.0.0.1:${port}"]

[component.second]
source = "probe.wasm"
allowed_outbound_hosts = ["redis://127.0.0.1:${port}"]
`;
}

/** What the descriptor link `fd` (under /proc) points at; "" for one closed since it was listed. */
function openFile(fd: string): string {
  try {
    return readlinkSync(fd);
  } catch {
    return "";
  }
}

async function startRedisOrThrow(scope: Scope): Promise<RunningRedis> {
  const started = await startRedis(scope);
  if (started === undefined) throw new Error(REDIS_MISSING);
  return started;
}

describe("redis trigger", { skip: redisAvailable() ? false : REDIS_MISSING }, () => {
  const scope = suiteScope();
  let app: RunningApp;
  let redis: RunningRedis;

  before(async () => {
    redis = await startRedisOrThrow(scope);
    const dir = makeApp(scope, { manifest: redisApp(redis.port) });
    copyFileSync(probeWasm(), join(dir, "probe.wasm"));
    app = await startApp(scope, ["-f", dir, "--admin-listen", "127.0.0.1:0"], START);
  });

  it("announces its channels as Spin does and listens for no HTTP", () => {
    const { stdout } = app.output();
    const at = `127.0.0.1:${redis.port}`;
    assert.match(
      stdout,
      new RegExp(`^Active Channels on ${at}:\n\t${at}/alpha: \\[first\\]\n\t${at}/beta: \\[second\\]$`, "m"),
    );
    assert.doesNotMatch(stdout, /Serving/);
    assert.equal(app.url, "");
  });

  it("delivers a published message to the component bound to the channel", async () => {
    assert.equal(await publish(redis, "alpha", { text: "one", address: redis.url, key: "seen:alpha" }), 1);
    assert.deepEqual(await waitForList(redis, "seen:alpha", 1), ["one"]);
    await app.stderrLine("[first] received one");
  });

  it("runs each channel's own component, with channels rendered from variables", async () => {
    await publish(redis, "beta", { text: "two", address: redis.url, key: "seen:beta" });
    assert.deepEqual(await waitForList(redis, "seen:beta", 1), ["two"]);
    await app.stderrLine("[second] received two");
    assert.doesNotMatch(app.output().stderr, /\[first\] received two/);
  });

  it("logs a guest's error and goes on delivering", async () => {
    await publish(redis, "alpha", { text: "bad", fail: true });
    const line = await app.stderrLine("failed to handle a message on channel");
    assert.match(line, /component \\?"first\\?" failed to handle a message on channel \\?"alpha\\?"/);
    assert.match(line, /the guest returned an error: \\?"error\\?"/);
    await publish(redis, "alpha", { text: "after", address: redis.url, key: "seen:after-error" });
    assert.deepEqual(await waitForList(redis, "seen:after-error", 1), ["after"]);
    const families = await scrape(adminUrl(app));
    const alpha = { component: "first", channel: "alpha" };
    assert.equal(value(families, "spindle_messages_total", { ...alpha, outcome: "error" }), 1);
    assert.ok(value(families, "spindle_messages_total", { ...alpha, outcome: "ok" }) >= 1);
    assert.ok(value(families, "spindle_message_duration_seconds_count", alpha) >= 2);
  });

  it("reconnects after the Redis server restarts and delivers again", async () => {
    await redis.stop();
    await app.stderrLine("lost the connection to Redis at redis://127.0.0.1");
    const restarted = await startRedis(scope, redis.port);
    assert.ok(restarted);
    redis = restarted;
    await app.stderrLine("reconnected to Redis at redis://127.0.0.1");
    await publish(redis, "alpha", { text: "back", address: redis.url, key: "seen:restart" });
    assert.deepEqual(await waitForList(redis, "seen:restart", 1), ["back"]);
    const { stderr } = app.output();
    assert.equal(stderr.split("lost the connection").length - 1, 1, "the loss is logged once");
    assert.equal(stderr.split("reconnected to Redis").length - 1, 1, "the recovery is logged once");
  });
});

describe("an app with HTTP and Redis triggers", { skip: redisAvailable() ? false : REDIS_MISSING }, () => {
  it("serves HTTP and delivers messages", async (t) => {
    const redis = await startRedisOrThrow(t);
    const http = `[[trigger.http]]\nroute = "/..."\ncomponent = "web"\n[component.web]\nsource = "web.wasm"\n`;
    const dir = makeApp(t, { manifest: redisApp(redis.port, http) });
    copyFileSync(probeWasm(), join(dir, "probe.wasm"));
    copyFileSync(componentWasm("http-probe"), join(dir, "web.wasm"));
    const app = await startApp(t, ["-f", dir], { ...START, ready: /^Serving (http:\/\/\S+)$/m });
    assert.match(app.output().stdout, /Active Channels on 127\.0\.0\.1:\d+:/);
    assert.equal((await request(app.url, "/counter")).status, 200);
    await publish(redis, "alpha", { text: "both", address: redis.url, key: "seen:both" });
    assert.deepEqual(await waitForList(redis, "seen:both", 1), ["both"]);
  });

  it("sets a component bound to both triggers up once: one output sink, its log file open once", async (t) => {
    const redis = await startRedisOrThrow(t);
    const http = `[[trigger.http]]\nroute = "/..."\ncomponent = "first"\n`;
    const dir = makeApp(t, { manifest: redisApp(redis.port, http) });
    copyFileSync(probeWasm(), join(dir, "probe.wasm"));
    const logDir = join(dir, "logs");
    const app = await startApp(t, ["-f", dir, "--log-dir", logDir], {
      ...START,
      ready: /^Serving (http:\/\/\S+)$/m,
    });
    assert.equal((await request(app.url, "/web")).status, 200);
    await publish(redis, "alpha", { text: "message" });
    await app.stderrLine("[first] received message");
    const log = realpathSync(join(logDir, "first_stdout.txt"));
    assert.equal(readFileSync(log, "utf8"), "fetched /web\nreceived message\n");
    const fds = `/proc/${app.process.pid}/fd`;
    const holding = readdirSync(fds).filter((fd) => openFile(join(fds, fd)) === log);
    assert.equal(holding.length, 1, "the HTTP and the Redis trigger write through one sink");
  });
});

describe(
  "spindle watch with HTTP and Redis triggers",
  { skip: redisAvailable() ? false : REDIS_MISSING },
  () => {
    it("switches both triggers to a reloaded app, or neither when its HTTP component does not compile", async (t) => {
      const redis = await startRedisOrThrow(t);
      const http = (source: string, executor: string) =>
        `[[trigger.http]]\nroute = "/..."\ncomponent = "web"\n${executor}\n[component.web]\nsource = "${source}"\n`;
      const dir = makeApp(t, {
        manifest: redisApp(redis.port, http("web.wasm", "")),
        files: { "component.wasm": Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00) },
      });
      copyFileSync(probeWasm(), join(dir, "probe.wasm"));
      copyFileSync(componentWasm("http-probe"), join(dir, "web.wasm"));
      const app = await startApp(t, ["-f", dir], {
        ...START,
        command: "watch",
        ready: /^Serving (http:\/\/\S+)$/m,
      });
      const servesTheFirstApp = async (when: string) => {
        assert.equal((await request(app.url, "/counter")).status, 200);
        const key = `seen:${when}`;
        assert.equal(await publish(redis, "alpha", { text: when, address: redis.url, key }), 1);
        assert.deepEqual(await waitForList(redis, key, 1), [when]);
      };
      await servesTheFirstApp("before");

      const broken = http("component.wasm", 'executor = { type = "wagi" }');
      writeFileSync(
        join(dir, "spin.toml"),
        redisApp(redis.port, broken).replace('channel = "alpha"', 'channel = "gamma"'),
      );
      // Loading the new app compiles its components again, which takes seconds.
      await app.stderrLine("Still serving the last app that loaded", 60_000);

      await servesTheFirstApp("after");
      assert.equal(await publish(redis, "gamma", { text: "new" }), 0, "the new app subscribed nothing");

      writeFileSync(
        join(dir, "spin.toml"),
        redisApp(redis.port, http("web.wasm", "")).replace('channel = "alpha"', 'channel = "gamma"'),
      );
      for (let waited = 0; !app.output().stdout.includes("Reloaded redis-trigger"); waited += 50) {
        assert.ok(waited < 60_000, `never reloaded:\n${app.output().stdout}${app.output().stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal((await request(app.url, "/counter")).status, 200);
      assert.equal(
        await publish(redis, "alpha", { text: "old" }),
        0,
        "the first app's subscriptions are closed",
      );
      assert.equal(await publish(redis, "gamma", { text: "new", address: redis.url, key: "seen:new" }), 1);
      assert.deepEqual(await waitForList(redis, "seen:new", 1), ["new"]);
    });
  },
);

describe("redis trigger start-up errors", () => {
  const up = async (t: Scope, manifest: string) => {
    const dir = makeApp(t, { manifest });
    copyFileSync(probeWasm(), join(dir, "probe.wasm"));
    return runSpindle(["up", "--listen", "127.0.0.1:0", "-f", dir], { env: START.env });
  };

  it("fails when the Redis server cannot be reached, naming the address", async (t) => {
    const port = await freePort();
    const result = await up(t, redisApp(port));
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      new RegExp(`Redis trigger failed to connect to redis://127\\.0\\.0\\.1:${port}`),
    );
    assert.doesNotMatch(result.stdout, /Active Channels|Serving/);
  });

  const cases = [
    {
      name: "a trigger without a channel",
      trigger: `[[trigger.redis]]\ncomponent = "first"\n`,
      message: "missing field `channel`",
    },
    {
      name: "a trigger naming an undefined component",
      trigger: `[[trigger.redis]]\nchannel = "x"\ncomponent = "frist"\n`,
      message: "component `frist` is not defined",
    },
  ];
  for (const { name, trigger, message } of cases) {
    it(`refuses ${name}`, async (t) => {
      const result = await up(t, redisApp(6379, trigger));
      assert.equal(result.code, 1, result.stderr);
      assert.ok(result.stderr.includes(message), result.stderr);
      assert.match(result.stderr, /spin\.toml/);
    });
  }

  it("refuses a trigger without an address", async (t) => {
    const manifest = `spin_manifest_version = 2
[application]
name = "no-address"
[[trigger.redis]]
channel = "alpha"
component = "first"
[component.first]
source = "probe.wasm"
`;
    const result = await up(t, manifest);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /Redis trigger `first-redis-trigger` has no address to subscribe to/);
    assert.match(result.stderr, /\[application\.trigger\.redis\] address/);
  });

  it("refuses a component that does not export the Redis handler", async (t) => {
    const manifest = redisApp(6379).replace(
      'source = "probe.wasm"\nallowed_outbound_hosts = ["redis://127.0.0.1:6379"]\n\n[component.second]',
      'source = "web.wasm"\n\n[component.second]',
    );
    const dir = makeApp(t, { manifest });
    copyFileSync(probeWasm(), join(dir, "probe.wasm"));
    copyFileSync(componentWasm("http-probe"), join(dir, "web.wasm"));
    const result = await runSpindle(["up", "-f", dir], { env: START.env });
    assert.equal(result.code, 1, result.stderr);
    assert.match(
      result.stderr,
      /component "first" .* is bound to a Redis trigger but does not export fermyon:spin\/inbound-redis/,
    );
  });
});
