/**
 * How long the Redis trigger waits before each attempt to reconnect to a server that went away:
 * exponential from `initialMs`, doubling per failed attempt up to `maxMs`, with "equal jitter" (half of
 * the delay fixed, half random) so that many hosts reconnecting to one restarted server spread out. Pure:
 * the randomness is passed in, so the schedule is testable without waiting.
 */

export interface BackoffPolicy {
  /** The delay before the first reconnect attempt, before jitter. */
  readonly initialMs: number;
  /** The cap on any delay. */
  readonly maxMs: number;
}

/** Spindle's reconnect policy: 100 ms, doubling, at most 30 s between attempts. */
export const RECONNECT_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 30_000 };

/**
 * The delay before reconnect attempt `attempt` (0 for the first), in milliseconds: between half of and the
 * full `min(maxMs, initialMs × 2^attempt)`. `random` returns a number in [0, 1).
 *
 * @example backoffDelay(3, RECONNECT_BACKOFF, () => 0.5) // 600: base 800, half fixed plus half × 0.5
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 52));
  return Math.round(base / 2 + (base / 2) * random());
}
