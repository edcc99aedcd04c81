/**
 * Retries with exponential backoff for registry calls: an attempt that throws (network error, timeout)
 * or yields a retryable result (a 5xx or 429 response) is tried again after 1×, 2×, 4×… the base delay,
 * up to the policy's number of attempts. The delay function is injected, so tests never sleep. Used by
 * the transport for every HTTP exchange.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { backoffDelay } from "../util/backoff.ts";

export interface RetryPolicy {
  /** Total tries, at least 1. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Time limit of one attempt; the attempt's signal aborts after it. */
  readonly timeoutMs: number;
  readonly delay: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 5_000,
  timeoutMs: 120_000,
  delay: (ms) => sleep(ms),
};

/**
 * Runs `attempt` until it returns a result `shouldRetry` rejects or the attempts run out. The last
 * result is returned even when retryable, so the caller can report it; the last error is rethrown.
 */
export async function withRetry<T>(
  attempt: (signal: AbortSignal) => Promise<T>,
  shouldRetry: (result: T) => boolean,
  policy: RetryPolicy,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    const last = tried >= policy.attempts;
    try {
      const result = await attempt(AbortSignal.timeout(policy.timeoutMs));
      if (last || !shouldRetry(result)) return result;
    } catch (error) {
      if (last) throw error;
    }
    await policy.delay(backoffDelay(tried - 1, { initialMs: policy.baseDelayMs, maxMs: policy.maxDelayMs }));
  }
}
