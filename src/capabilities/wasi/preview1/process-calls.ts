/**
 * The preview 1 calls about the process rather than files: arguments, environment, clocks, randomness,
 * `sched_yield` and `proc_exit`. `proc_exit` ends the run by throwing a `ProcExit`, which only the host's
 * `run` catches, so the guest's remaining code never executes.
 */
import { randomFillSync } from "node:crypto";
import { Errno } from "./abi.ts";
import { clockNow, clockResolution } from "./clocks.ts";
import type { RunContext } from "./context.ts";

/** Thrown by `proc_exit` to unwind the guest; carries the exit code to the host's `run`. */
export class ProcExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`guest exited with code ${code}`);
    this.code = code;
  }
}

/**
 * A list of strings as the guest receives it: each UTF-8 encoded and NUL-terminated, back to back in one
 * buffer (one encoding and one copy per list rather than per string), with where each string starts.
 */
interface EncodedList {
  readonly bytes: Uint8Array;
  readonly starts: readonly number[];
}

function encodeList(items: readonly string[]): EncodedList {
  const starts: number[] = [];
  let at = 0;
  for (const item of items) {
    starts.push(at);
    at += Buffer.byteLength(item) + 1;
  }
  const bytes = items.length === 0 ? new Uint8Array(0) : Buffer.from(`${items.join("\0")}\0`);
  return { bytes, starts };
}

export function processCalls(
  { memory }: RunContext,
  args: readonly string[],
  env: readonly (readonly [string, string])[],
) {
  const argv = encodeList(args);
  const environ = encodeList(env.map(([name, value]) => `${name}=${value}`));

  function sizes(list: EncodedList, countPtr: number, bufSizePtr: number): number {
    memory().u32(countPtr, list.starts.length);
    memory().u32(bufSizePtr, list.bytes.length);
    return Errno.SUCCESS;
  }

  function copy(list: EncodedList, pointersPtr: number, bufPtr: number): number {
    const mem = memory();
    list.starts.forEach((start, i) => mem.u32(pointersPtr + i * 4, bufPtr + start));
    mem.bytes.set(list.bytes, bufPtr);
    return Errno.SUCCESS;
  }

  return {
    args_sizes_get: (countPtr: number, bufSizePtr: number) => sizes(argv, countPtr, bufSizePtr),
    args_get: (pointersPtr: number, bufPtr: number) => copy(argv, pointersPtr, bufPtr),
    environ_sizes_get: (countPtr: number, bufSizePtr: number) => sizes(environ, countPtr, bufSizePtr),
    environ_get: (pointersPtr: number, bufPtr: number) => copy(environ, pointersPtr, bufPtr),
    clock_res_get(clock: number, resultPtr: number): number {
      const resolution = clockResolution(clock);
      if (resolution === undefined) return Errno.INVAL;
      memory().u64(resultPtr, resolution);
      return Errno.SUCCESS;
    },
    clock_time_get(clock: number, _precision: bigint, resultPtr: number): number {
      const now = clockNow(clock);
      if (now === undefined) return Errno.INVAL;
      memory().u64(resultPtr, now);
      return Errno.SUCCESS;
    },
    random_get(bufPtr: number, bufLen: number): number {
      randomFillSync(memory().bytes, bufPtr, bufLen);
      return Errno.SUCCESS;
    },
    sched_yield: () => Errno.SUCCESS,
    proc_exit(code: number): never {
      throw new ProcExit(code);
    },
  };
}
