/**
 * Capped exponential backoff, the one schedule behind Spindle's retry loops (registry calls, the
 * operator's work queue and watches, the Redis trigger's reconnects): `initialMs`, doubling per failed
 * attempt up to `maxMs`, optionally with "equal jitter" (half of the delay fixed, half random) so that
 * many clients retrying one restarted server spread out. Pure: the randomness is passed in and the
 * waiting is the caller's, so schedules are testable without sleeping.
 */

export interface BackoffPolicy {
  /** The delay before the first retry, before jitter. */
  readonly initialMs: number;
  /** The cap on any delay. */
  readonly maxMs: number;
  /** `equal`: each delay is between half of and the full exponential one. None when absent. */
  readonly jitter?: "equal" | undefined;
}

/**
 * The delay before retry `step` (0 for the first), in milliseconds: `min(maxMs, initialMs × 2^step)`,
 * reduced by the policy's jitter. `random` returns a number in [0, 1).
 *
 * @example backoffDelay(3, { initialMs: 100, maxMs: 30_000 }) // 800
 * @example backoffDelay(3, { initialMs: 100, maxMs: 30_000, jitter: "equal" }, () => 0.5) // 600
 */
export function backoffDelay(
  step: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  // The exponent is bounded so that a zero initial delay stays zero instead of 0 × Infinity.
  const full = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(step, 52));
  return policy.jitter === "equal" ? Math.round(full / 2 + (full / 2) * random()) : full;
}
