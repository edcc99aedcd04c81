/**
 * Preemption for guests that never yield. V8 runs WebAssembly on the thread that called it and offers no
 * timer that interrupts it, so a guest in an endless loop would block every other request forever. The
 * watchdog is a second thread (watchdog-thread.ts) watching one shared number, the time by which the main
 * thread must have dealt with its oldest request; when the main thread is still stuck past it, the
 * watchdog has V8 terminate the JavaScript running on the main thread (the inspector's
 * `Runtime.terminateExecution`, the same call a debugger's "stop" button makes) — but only once one task
 * has held the thread for a while (the heartbeat of stall.ts): a thread that is merely slow is never
 * terminated. Termination unwinds the
 * guest's stack, its instance is never used again, and the termination ends with the outermost call, so
 * the event loop goes on. Termination skips `finally` blocks, so host state that outlives a request must
 * not depend on one running (late-bound.ts replaces a run left attached). Guests are entered from native
 * callbacks and promise jobs, where Node's async-context stack is balanced; with `async_hooks` hooks
 * enabled every promise job pushes onto that stack and a termination would leave it corrupt (Node
 * aborts), so nothing in Spindle enables them. Cost on the main thread: one `Atomics.store` when the
 * oldest request changes, and a 50 ms heartbeat timer while a deadline is live. One per server,
 * unreferenced, so it never keeps the process alive.
 */
import { Worker } from "node:worker_threads";

/** How often the watchdog thread looks at the slot. */
const POLL_MS = 20;

/** How often the main thread beats: a timer, so it beats on every turn of a loop that is not blocked. */
const HEARTBEAT_MS = 50;

/**
 * How long one task must hold the main thread before it can be terminated: far more than any task of the
 * host's own (or a garbage collection) takes, even under load.
 */
const STALL_MS = 1_000;

export interface Watchdog {
  /**
   * Sets the time (`Date.now()` scale) after which a still-blocked main thread is terminated, or clears
   * it with `undefined`.
   */
  setOverdueAt(time: number | undefined): void;
  /** Calls `listener` (on the main thread, once it runs again) after each termination. */
  onTerminate(listener: () => void): void;
  close(): Promise<void>;
}

/** `onFailure` hears when the thread cannot start or dies (looping guests can then not be stopped). */
export function startWatchdog(onFailure: (error: Error) => void): Watchdog {
  const slot = new SharedArrayBuffer(8);
  const shared = new Int32Array(slot);
  const origin = Date.now();
  const worker = new Worker(new URL("./watchdog-thread.ts", import.meta.url), {
    workerData: { slot, origin, pollMs: POLL_MS, stallMs: STALL_MS },
  });
  worker.unref();
  worker.on("error", onFailure);
  // Beats only while a deadline is live: an idle server is not woken 20 times a second.
  let heartbeat: NodeJS.Timeout | undefined;
  return {
    setOverdueAt(time) {
      // At least 1: 0 means "nothing due".
      Atomics.store(shared, 0, time === undefined ? 0 : Math.max(1, Math.ceil(time - origin)));
      if (time === undefined) {
        clearInterval(heartbeat);
        heartbeat = undefined;
      } else if (heartbeat === undefined) {
        // A beat now: the last one predates the idle time, and a task blocking the thread from here on
        // must still be seen standing still for the whole stall time before it can be terminated.
        Atomics.add(shared, 1, 1);
        heartbeat = setInterval(() => Atomics.add(shared, 1, 1), HEARTBEAT_MS).unref();
      }
    },
    onTerminate(listener) {
      worker.on("message", listener);
    },
    close: async () => {
      clearInterval(heartbeat);
      await worker.terminate();
    },
  };
}
