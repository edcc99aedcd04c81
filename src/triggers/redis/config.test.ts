import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LockedApp, LockedTrigger } from "../../app/locked.ts";
import { SpindleError } from "../../errors.ts";
import { formatActiveChannels } from "./banner.ts";
import { readRedisServers } from "./config.ts";

const trigger = (id: string, config: Record<string, unknown>): LockedTrigger => ({
  id,
  trigger_type: "redis",
  trigger_config: config,
});

const app = (triggers: LockedTrigger[], address?: string): LockedApp => ({
  spin_lock_version: 0,
  metadata: { name: "a", ...(address === undefined ? {} : { triggers: { redis: { address } } }) },
  triggers,
  components: [],
});

const variables = new Map([
  ["host", "cache"],
  ["topic", "orders"],
]);

void describe("readRedisServers", () => {
  void it("groups triggers by rendered address and channel, the app's address as default", () => {
    const servers = readRedisServers(
      app(
        [
          trigger("a", { component: "first", channel: "{{ topic }}" }),
          trigger("b", { component: "second", channel: "orders" }),
          trigger("c", { component: "third", channel: "audit", address: "redis://other:6380" }),
          { id: "h", trigger_type: "http", trigger_config: { component: "web", route: "/" } },
        ],
        "redis://{{ host }}:6379",
      ),
      variables,
    );
    assert.deepEqual(servers, [
      {
        address: "redis://cache:6379",
        channels: new Map([
          [
            "orders",
            [
              { triggerId: "a", component: "first" },
              { triggerId: "b", component: "second" },
            ],
          ],
        ]),
      },
      {
        address: "redis://other:6380",
        channels: new Map([["audit", [{ triggerId: "c", component: "third" }]]]),
      },
    ]);
    assert.equal(
      formatActiveChannels(servers),
      "Active Channels on cache:6379:\n\tcache:6379/orders: [first,second]\nActive Channels on other:6380:\n\tother:6380/audit: [third]\n",
    );
  });

  void it("refuses a trigger without an address, a bad address and an unknown variable", () => {
    const cases: [LockedApp, RegExp][] = [
      [app([trigger("a", { component: "x", channel: "c" })]), /Redis trigger "a" has no address/],
      [app([trigger("a", { component: "x", channel: "c" })], "http://x"), /invalid address "http:\/\/x"/],
      [
        app([trigger("a", { component: "x", channel: "{{ nope }}" })], "redis://x"),
        /cannot render channel "\{\{ nope \}\}": unknown variable "nope"/,
      ],
      [app([trigger("a", { component: "x" })], "redis://x"), /`channel` must be a string/],
    ];
    for (const [locked, message] of cases) {
      assert.throws(
        () => readRedisServers(locked, variables),
        (error: unknown) => error instanceof SpindleError && message.test(error.message),
      );
    }
  });
});
