/**
 * The two clocks the preview 1 host offers (realtime and monotonic, in nanoseconds) and the synchronous
 * sleep behind `poll_oneoff`. A guest runs to completion on the calling thread, so a guest sleep blocks that
 * thread for its duration, exactly as it would block the guest's own thread on a native host.
 */
import { Clock } from "./abi.ts";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Nanoseconds on `clock`, or undefined for clocks the host does not offer (the CPU-time clocks). */
export function clockNow(clock: number): bigint | undefined {
  if (clock === Clock.MONOTONIC) return process.hrtime.bigint();
  if (clock === Clock.REALTIME) return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  return undefined;
}

/** Resolution of `clock` in nanoseconds: the monotonic clock counts nanoseconds, wall time microseconds. */
export function clockResolution(clock: number): bigint | undefined {
  if (clock === Clock.MONOTONIC) return 1n;
  if (clock === Clock.REALTIME) return 1000n;
  return undefined;
}

export function sleepNs(ns: bigint): void {
  if (ns > 0n) Atomics.wait(sleeper, 0, 0, Number(ns) / 1e6);
}
