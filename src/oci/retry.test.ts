import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from "./retry.ts";

function recordingPolicy(attempts: number): { policy: RetryPolicy; waits: number[] } {
  const waits: number[] = [];
  const policy: RetryPolicy = {
    ...DEFAULT_RETRY,
    attempts,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    delay: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
  return { policy, waits };
}

describe("withRetry", () => {
  it("returns the first good result without waiting", async () => {
    const { policy, waits } = recordingPolicy(4);
    assert.equal(
      await withRetry(
        () => Promise.resolve(200),
        (s) => s >= 500,
        policy,
      ),
      200,
    );
    assert.deepEqual(waits, []);
  });

  it("retries retryable results with exponential backoff", async () => {
    const { policy, waits } = recordingPolicy(5);
    const results = [503, 502, 500, 201];
    const result = await withRetry(
      () => Promise.resolve(results.shift() ?? 0),
      (s) => s >= 500,
      policy,
    );
    assert.equal(result, 201);
    assert.deepEqual(waits, [100, 200, 400]);
  });

  it("retries thrown errors and rethrows the last one", async () => {
    const { policy, waits } = recordingPolicy(3);
    let calls = 0;
    await assert.rejects(
      withRetry(
        () => Promise.reject(new Error(`refused ${++calls}`)),
        () => false,
        policy,
      ),
      /refused 3/,
    );
    assert.deepEqual(waits, [100, 200]);
  });

  it("hands back the last retryable result when attempts run out", async () => {
    const { policy, waits } = recordingPolicy(2);
    assert.equal(
      await withRetry(
        () => Promise.resolve(503),
        (s) => s >= 500,
        policy,
      ),
      503,
    );
    assert.deepEqual(waits, [100]);
  });

  it("abandons an attempt that outlives the timeout and tries again", async () => {
    const { policy, waits } = recordingPolicy(2);
    const signals: AbortSignal[] = [];
    const result = await withRetry(
      (signal) => {
        signals.push(signal);
        if (signals.length > 1) return Promise.resolve("second");
        return new Promise<string>((_, reject) =>
          signal.addEventListener("abort", () => reject(signal.reason as Error)),
        );
      },
      () => false,
      { ...policy, timeoutMs: 5 },
    );
    assert.equal(result, "second");
    assert.equal((signals[0]?.reason as Error).name, "TimeoutError");
    assert.deepEqual(waits, [100]);
  });
});

describe("withRetry's waits", () => {
  it("double from the base delay up to the cap", async () => {
    const { policy, waits } = recordingPolicy(7);
    await withRetry(
      () => Promise.resolve(503),
      (s) => s >= 500,
      policy,
    );
    assert.deepEqual(waits, [100, 200, 400, 800, 1_000, 1_000]);
  });
});
