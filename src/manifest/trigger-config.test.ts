import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HEAD, parse } from "./test-helpers.ts";

const COMPONENT = `[component.worker]\nsource = "worker.wasm"\n`;
const VARIABLES = `[variables]\nchannel = { default = "orders" }\n`;

void describe("Redis trigger", () => {
  void it("keeps channel and address as config", () => {
    const manifest = parse(
      `${HEAD}${VARIABLES}[[trigger.redis]]\ncomponent = "worker"\nchannel = "{{ channel }}"\naddress = "redis://localhost"\n${COMPONENT}`,
    );
    assert.deepEqual(manifest.triggers[0], {
      id: "worker-redis-trigger",
      type: "redis",
      component: "worker",
      config: { channel: "{{ channel }}", address: "redis://localhost" },
    });
  });

  void it("requires a channel", () => {
    expectError(`${HEAD}[[trigger.redis]]\ncomponent = "worker"\n${COMPONENT}`, {
      at: "[[trigger.redis]]",
      keyPath: "trigger.redis[0]",
      problem: "missing field `channel`",
    });
  });

  void it("rejects unknown keys", () => {
    expectError(`${HEAD}[[trigger.redis]]\ncomponent = "worker"\nchannel = "a"\nchanel = "b"\n${COMPONENT}`, {
      at: "chanel =",
      problem: "unknown field `chanel`, expected one of `id`, `component`, `channel`, `address`",
      hint: "did you mean `channel`?",
    });
  });

  void it("checks templates in the channel", () => {
    expectError(`${HEAD}[[trigger.redis]]\ncomponent = "worker"\nchannel = "{{ nope }}"\n${COMPONENT}`, {
      at: "channel =",
      keyPath: "trigger.redis[0].channel",
      problem: 'invalid variable template: unknown variable "nope"',
    });
  });

  void it("requires an address on the trigger or under [application.trigger.redis]", () => {
    const trigger = `[[trigger.redis]]\ncomponent = "worker"\nchannel = "a"\n`;
    expectError(`${HEAD}${trigger}${COMPONENT}`, {
      at: "[[trigger.redis]]",
      keyPath: "trigger.redis[0]",
      problem: "Redis trigger `worker-redis-trigger` has no address to subscribe to",
      hint: "[application.trigger.redis] address",
    });
    const shared = `[application.trigger.redis]\naddress = "redis://localhost"\n`;
    assert.equal(parse(`${HEAD}${shared}${trigger}${COMPONENT}`).triggers.length, 1);
  });

  void it("requires the address to be a string", () => {
    expectError(
      `${HEAD}[[trigger.redis]]\ncomponent = "worker"\nchannel = "a"\naddress = 6379\n${COMPONENT}`,
      {
        at: "address =",
        problem: "invalid type: integer `6379`, expected a string",
      },
    );
  });
});

void describe("[application.trigger.redis]", () => {
  const trigger = `[[trigger.redis]]\ncomponent = "worker"\nchannel = "a"\n`;

  void it("requires an address", () => {
    expectError(`${HEAD}[application.trigger.redis]\n${trigger}${COMPONENT}`, {
      at: "[application.trigger.redis]",
      keyPath: "application.trigger.redis",
      problem: "missing field `address`",
    });
  });

  void it("rejects unknown keys", () => {
    expectError(
      `${HEAD}[application.trigger.redis]\naddress = "redis://x"\nadress = "y"\n${trigger}${COMPONENT}`,
      {
        at: "adress =",
        problem: "unknown field `adress`, expected `address`",
      },
    );
  });
});

void describe("other trigger types", () => {
  void it("keep every key but id and component as opaque config, integers as numbers", () => {
    const manifest = parse(
      `${HEAD}[[trigger.cron]]\nid = "tick"\ncomponent = "worker"\ncron_expression = "1/2 * * * * *"\nretries = 3\nbackoff = { base = 1.5 }\n${COMPONENT}`,
    );
    assert.deepEqual(manifest.triggers[0], {
      id: "tick",
      type: "cron",
      component: "worker",
      config: { cron_expression: "1/2 * * * * *", retries: 3, backoff: { base: 1.5 } },
    });
  });

  void it("reject integers too large for plain numbers", () => {
    expectError(`${HEAD}[[trigger.command]]\ncomponent = "worker"\nlimit = 9007199254740993\n${COMPONENT}`, {
      at: "limit =",
      keyPath: "trigger.command[0].limit",
      problem: "integer `9007199254740993` is too large",
    });
  });
});
