import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SpindleError } from "../errors.ts";
import { DEFAULT_SERVER_LIMITS } from "../triggers/http/server.ts";
import { readServerLimits } from "./limit-flags.ts";

const options = (values: Record<string, string>) => ({ values, positionals: [] });

void describe("readServerLimits", () => {
  void it("uses the defaults when nothing is set", () => {
    assert.deepEqual(readServerLimits(options({}), {}), DEFAULT_SERVER_LIMITS);
  });

  void it("reads durations with units, bare seconds and 0", () => {
    const env = { SPINDLE_REQUEST_TIMEOUT: "1.5", SPINDLE_SHUTDOWN_TIMEOUT: "0" };
    const fromEnv = readServerLimits(options({}), env);
    assert.deepEqual([fromEnv.requestTimeoutMs, fromEnv.shutdownTimeoutMs], [1500, 0]);
    for (const [text, ms] of [
      ["250ms", 250],
      ["2m", 120_000],
      ["1h", 3_600_000],
    ] as const) {
      assert.equal(readServerLimits(options({ "request-timeout": text }), {}).requestTimeoutMs, ms);
    }
  });

  void it("lets a flag win over its environment variable", () => {
    const limits = readServerLimits(options({ "max-concurrent-requests": "4" }), {
      SPINDLE_MAX_CONCURRENT_REQUESTS: "9",
      SPINDLE_MAX_QUEUED_REQUESTS: "7",
    });
    assert.deepEqual([limits.maxConcurrent, limits.maxQueued], [4, 7]);
  });

  void it("names the flag or variable and the value it cannot read", () => {
    assert.throws(
      () => readServerLimits(options({ "request-timeout": "soon" }), {}),
      (error: unknown) => error instanceof SpindleError && /--request-timeout "soon"/.test(error.message),
    );
    assert.throws(
      () => readServerLimits(options({}), { SPINDLE_MAX_QUEUED_REQUESTS: "-1" }),
      /SPINDLE_MAX_QUEUED_REQUESTS "-1": expected a whole number/,
    );
  });
});
