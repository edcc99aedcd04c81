import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay } from "./backoff.ts";

void describe("backoffDelay", () => {
  const policy = { initialMs: 100, maxMs: 30_000 };
  const jittered = { ...policy, jitter: "equal" } as const;
  const steps = (delay: (step: number) => number) => Array.from({ length: 12 }, (_, step) => delay(step));

  void it("doubles from the initial delay up to the cap", () => {
    const expected = [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000];
    assert.deepEqual(
      steps((step) => backoffDelay(step, policy)),
      expected,
    );
    assert.deepEqual(
      steps((step) => backoffDelay(step, jittered, () => 1)),
      expected,
    );
  });

  void it("with equal jitter keeps at least half of each delay", () => {
    assert.deepEqual(
      steps((step) => backoffDelay(step, jittered, () => 0)),
      [50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 15000, 15000, 15000],
    );
    assert.equal(
      backoffDelay(3, jittered, () => 0.5),
      600,
    );
  });

  void it("uses no randomness without jitter", () => {
    assert.equal(
      backoffDelay(2, policy, () => assert.fail("random was called")),
      400,
    );
  });

  void it("stays capped however many attempts failed", () => {
    assert.equal(
      backoffDelay(10_000, jittered, () => 1),
      30_000,
    );
    assert.equal(backoffDelay(10_000, { initialMs: 0, maxMs: 30_000 }), 0);
  });
});
