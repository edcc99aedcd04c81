/**
 * Preview 1 `poll_oneoff`. Every descriptor here is always ready (in-memory stdin, callback outputs, local
 * files), so fd subscriptions complete at once; when there are none, the call sleeps until the earliest
 * clock subscription is due and reports every clock that is due by then. This is what `sleep` and
 * `nanosleep` in wasi-libc come down to.
 */
import { Errno, EventType, Size, SUBSCRIPTION_CLOCK_ABSTIME } from "./abi.ts";
import { clockNow, sleepNs } from "./clocks.ts";
import type { RunContext } from "./context.ts";
import type { GuestMemory } from "./memory.ts";

interface Event {
  readonly userdata: bigint;
  readonly error: number;
  readonly type: number;
  readonly nbytes: bigint;
}

interface ClockWait {
  readonly userdata: bigint;
  /** Nanoseconds from now until due; undefined when the clock is not offered. */
  readonly remaining: bigint | undefined;
}

function readClock(mem: GuestMemory, sub: number): ClockWait {
  const userdata = mem.readU64(sub);
  const clock = mem.readU32(sub + 16);
  const timeout = mem.readU64(sub + 24);
  const absolute = (mem.view.getUint16(sub + 40, true) & SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
  const now = clockNow(clock);
  if (now === undefined) return { userdata, remaining: undefined };
  return { userdata, remaining: absolute ? timeout - now : timeout };
}

function writeEvents(mem: GuestMemory, out: number, events: readonly Event[]): void {
  events.forEach((event, i) => {
    const at = out + i * Size.EVENT;
    mem.bytes.fill(0, at, at + Size.EVENT);
    mem.u64(at, event.userdata);
    mem.u16(at + 8, event.error);
    mem.u8(at + 10, event.type);
    mem.u64(at + 16, event.nbytes);
  });
}

export function pollCalls({ memory, fds }: RunContext) {
  function fdEvent(mem: GuestMemory, sub: number, type: number): Event {
    const userdata = mem.readU64(sub);
    const d = fds.get(mem.readU32(sub + 16));
    if (d === undefined) return { userdata, error: Errno.BADF, type, nbytes: 0n };
    const nbytes = d.kind === "input" && type === EventType.FD_READ ? d.data.length - d.position : 0;
    return { userdata, error: Errno.SUCCESS, type, nbytes: BigInt(nbytes) };
  }

  /** Sleeps until the first clock is due and returns the clock events due by then. */
  function waitForClocks(clocks: readonly ClockWait[]): Event[] {
    const unknown = clocks.filter((c) => c.remaining === undefined);
    if (unknown.length > 0) return unknown.map(({ userdata }) => clockEvent(userdata, Errno.INVAL));
    const first = clocks.reduce(
      (min, c) => ((c.remaining ?? 0n) < min ? (c.remaining ?? 0n) : min),
      2n ** 64n,
    );
    sleepNs(first);
    return clocks.filter((c) => (c.remaining ?? 0n) <= first).map(({ userdata }) => clockEvent(userdata, 0));
  }

  return {
    poll_oneoff(inPtr: number, outPtr: number, count: number, neventsPtr: number): number {
      if (count === 0) return Errno.INVAL;
      const mem = memory();
      const fdEvents: Event[] = [];
      const clocks: ClockWait[] = [];
      for (let i = 0; i < count; i++) {
        const sub = inPtr + i * Size.SUBSCRIPTION;
        const type = mem.view.getUint8(sub + 8);
        if (type === EventType.CLOCK) clocks.push(readClock(mem, sub));
        else if (type === EventType.FD_READ || type === EventType.FD_WRITE)
          fdEvents.push(fdEvent(mem, sub, type));
        else return Errno.INVAL;
      }
      const events = fdEvents.length > 0 ? fdEvents : waitForClocks(clocks);
      writeEvents(mem, outPtr, events);
      mem.u32(neventsPtr, events.length);
      return Errno.SUCCESS;
    },
  };
}

function clockEvent(userdata: bigint, error: number): Event {
  return { userdata, error, type: EventType.CLOCK, nbytes: 0n };
}
