import { testApp, testContext } from "../test-support.ts";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LoadedApp } from "../../app/load.ts";
import { silentLogger } from "../../observe/logger.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";
import { createVariablesCapability } from "./variables.ts";

function app(configs: Record<string, Record<string, string> | undefined>): LoadedApp {
  const fields = Object.entries(configs).map(([id, config]) => [id, config === undefined ? {} : { config }]);
  return testApp(Object.fromEntries(fields) as Record<string, object>);
}

const { runtimeConfig } = testContext();

type Get = (name: string) => string;

async function getter(componentId: string): Promise<Get> {
  const capability = createVariablesCapability();
  const configured = await capability.configureApp(
    app({
      web: { variable: "value", url: "https://{{ host }}:{{port}}/api" },
      other: { secret: "s" },
      bare: undefined,
    }),
    {
      runtimeConfig,
      logger: silentLogger,
      variables: {
        values: new Map([
          ["host", "example.com"],
          ["port", "8080"],
        ]),
        secrets: new Set(),
      },
    },
  );
  return (configured.prepare(componentId)["fermyon:spin/variables"] as { get: Get }).get;
}

function errorOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    assert.ok(error instanceof GuestError);
    return error.payload;
  }
  return assert.fail("expected a guest-visible error");
}

describe("variables capability", () => {
  it("answers the component's declared variables, templates rendered with the app variables", async () => {
    const get = await getter("web");
    assert.equal(get("variable"), "value");
    assert.equal(get("url"), "https://example.com:8080/api");
  });

  it("answers undefined for a variable the component does not declare, even another component's", async () => {
    const get = await getter("web");
    assert.deepEqual(
      errorOf(() => get("secret")),
      { tag: "undefined", val: 'no variable for "web"."secret"' },
    );
    const bare = await getter("bare");
    assert.deepEqual(
      errorOf(() => bare("variable")),
      { tag: "undefined", val: 'no variable for "bare"."variable"' },
    );
  });

  it("answers invalid-name for names outside Spin's key rules", async () => {
    const get = await getter("web");
    for (const name of ["invalid-name", "invalid!name", "4invalidname"]) {
      assert.equal((errorOf(() => get(name)) as { tag: string }).tag, "invalid-name");
    }
  });
});
