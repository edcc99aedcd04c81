import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HELLO, parse } from "./test-helpers.ts";

const app = (body: string) => `spin_manifest_version = 2\n[application]\n${body}\n${HELLO}`;

void describe("[application]", () => {
  void it("reads metadata and keeps trigger settings opaque, ignoring tool tables", () => {
    const manifest = parse(
      app(`name = "shop"
version = "1.0.0"
description = "A shop"
authors = ["Ada"]
targets = ["spin-up:3.2", { path = "env.toml" }]
[application.trigger.redis]
address = "redis://localhost:6379"
[application.trigger.cron]
pool = 4
[application.trigger.http]
base = "/"
[application.tool.lint]
level = "strict"`),
    );
    assert.deepEqual(manifest.application, {
      name: "shop",
      version: "1.0.0",
      description: "A shop",
      authors: ["Ada"],
      triggerSettings: {
        redis: { address: "redis://localhost:6379" },
        cron: { pool: 4 },
        http: { base: "/" },
      },
    });
    assert.deepEqual(manifest.warnings, [
      "application.trigger.http.base: the `base` field is deprecated and has no effect; remove it",
    ]);
  });

  void it("requires a name", () => {
    expectError(app('version = "1"'), {
      at: "[application]",
      keyPath: "application",
      problem: "missing field `name`",
    });
  });

  void it("requires the name to be a string", () => {
    expectError(app("name = 1"), {
      at: "name = 1",
      keyPath: "application.name",
      problem: "invalid type: integer `1`, expected a string",
    });
  });

  void it("rejects unknown keys", () => {
    expectError(app('name = "x"\nauthor = "Ada"'), {
      at: "author =",
      keyPath: "application.author",
      problem:
        "unknown field `author`, expected one of `name`, `version`, `description`, `authors`, `targets`, `trigger`, `tool`",
      hint: "did you mean `authors`?",
    });
  });

  void it("rejects an HTTP base other than /", () => {
    expectError(app('name = "x"\n[application.trigger.http]\nbase = "/shop"'), {
      at: 'base = "/shop"',
      keyPath: "application.trigger.http.base",
      problem:
        "This application is using the deprecated trigger 'base' field. The base must be prepended to each [[trigger.http]]'s 'route'.",
      hint: '"/shop"',
    });
  });

  void it("checks templates in the Redis address", () => {
    expectError(app('name = "x"\n[application.trigger.redis]\naddress = "redis://{{ host }}"'), {
      at: "address =",
      problem: 'invalid variable template: unknown variable "host"',
    });
  });
});
