/**
 * `wasi:clocks/monotonic-clock` and `wasi:clocks/wall-clock`. Deadlines become pollables whose wait is a
 * Node timer (unref'd, so a forgotten guest timer never keeps the process alive); with JSPI the guest's
 * `setTimeout` suspends the guest instead of blocking the Node thread. Stateless; the interface objects are
 * shared by all instances.
 */
import { Pollable, type Readiness } from "./pollable.ts";

function now(): bigint {
  return process.hrtime.bigint();
}

function deadline(at: bigint): Readiness {
  let timer: Promise<void> | undefined;
  return {
    isReady: () => now() >= at,
    whenReady: () => {
      timer ??= new Promise<void>((resolve) => {
        const ms = Math.max(0, Math.ceil(Number(at - now()) / 1e6));
        setTimeout(resolve, ms).unref();
      });
      return timer;
    },
  };
}

export const monotonicClock = {
  now,
  resolution: (): bigint => 1n,
  subscribeInstant: (when: bigint): Pollable => new Pollable(deadline(when)),
  subscribeDuration: (duration: bigint): Pollable => new Pollable(deadline(now() + duration)),
};

export interface Datetime {
  seconds: bigint;
  nanoseconds: number;
}

/** A `datetime` from milliseconds since the epoch. */
export function datetimeOf(ms: number): Datetime {
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanoseconds: Math.round((ms - seconds * 1000) * 1e6) };
}

export const wallClock = {
  now: (): Datetime => datetimeOf(Date.now()),
  resolution: (): Datetime => ({ seconds: 0n, nanoseconds: 1_000_000 }),
};
