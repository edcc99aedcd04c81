import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backoffDelay, RECONNECT_BACKOFF } from "./backoff.ts";

void describe("backoffDelay", () => {
  const policy = { initialMs: 100, maxMs: 30_000 };

  void it("doubles from the initial delay up to the cap", () => {
    const longest = Array.from({ length: 12 }, (_, attempt) => backoffDelay(attempt, policy, () => 1));
    assert.deepEqual(longest, [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000]);
  });

  void it("keeps at least half of each delay whatever the jitter", () => {
    const shortest = Array.from({ length: 12 }, (_, attempt) => backoffDelay(attempt, policy, () => 0));
    assert.deepEqual(shortest, [50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 15000, 15000, 15000]);
    assert.equal(
      backoffDelay(3, policy, () => 0.5),
      600,
    );
  });

  void it("stays capped however many attempts failed", () => {
    assert.equal(
      backoffDelay(10_000, RECONNECT_BACKOFF, () => 1),
      RECONNECT_BACKOFF.maxMs,
    );
  });
});
