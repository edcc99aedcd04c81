/**
 * The two kinds of place an output stream writes to: a `ByteQueue` read by a consumer at its own pace (an
 * HTTP body, with a window that gives the guest backpressure), or a callback that takes bytes at once
 * (stdout and stderr going to the component's output sink). One per output stream; cheap.
 */
import type { ByteQueue } from "./byte-queue.ts";
import type { ByteSink } from "./streams.ts";

/** How many unread bytes a queue-backed stream accepts before `check-write` says 0. */
const WINDOW = 256 * 1024;

/** A sink over a queue; `isOpen` says whether the body still accepts writes (false once finished). */
export function queueSink(queue: ByteQueue, isOpen: () => boolean = () => queue.open): ByteSink {
  return {
    get closed() {
      return !isOpen() || queue.abandoned;
    },
    capacity: () => Math.max(0, WINDOW - queue.buffered),
    write: (bytes) => queue.push(bytes),
    flush: () => (queue.buffered === 0 ? undefined : queue.whenBelow(0)),
    isReady: () => queue.buffered < WINDOW || queue.abandoned,
    whenReady: () => queue.whenBelow(WINDOW - 1),
  };
}

/** A sink that hands every write straight to `deliver`; always ready, never closed. */
export function callbackSink(deliver: (bytes: Uint8Array) => void): ByteSink {
  return {
    closed: false,
    capacity: () => 1 << 20,
    write: deliver,
    flush: () => undefined,
    isReady: () => true,
    whenReady: () => Promise.resolve(),
  };
}
