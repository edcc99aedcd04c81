/**
 * The watchdog's own thread (see watchdog.ts). It polls a shared slot where the main thread keeps the
 * time at which its oldest request is overdue, and its heartbeat; once that time has passed, the slot
 * still holds it and the heartbeat has stood still (stall.ts), the main thread is blocked in one task (a
 * guest looping in WebAssembly). The thread then asks the main thread's inspector to terminate the JavaScript running
 * there, which V8 delivers at the next interrupt check of the guest's loop. One per process, idle but for
 * the poll; it never touches the main thread's objects.
 */
import { Session } from "node:inspector";
import { parentPort, workerData } from "node:worker_threads";
import { StallDetector } from "./stall.ts";

interface WatchdogData {
  /**
   * Two Int32s: [0] ms after `origin` at which the main thread is overdue (0 when nothing is due), [1] the
   * main thread's heartbeat.
   */
  readonly slot: SharedArrayBuffer;
  /** `Date.now()` on the main thread when the slot was created. */
  readonly origin: number;
  readonly pollMs: number;
  /** How long the heartbeat must stand still before an overdue main thread is terminated. */
  readonly stallMs: number;
}

const { slot, origin, pollMs, stallMs } = workerData as WatchdogData;
const shared = new Int32Array(slot);
const stall = new StallDetector(stallMs);
const session = new Session();
session.connectToMainThread();

setInterval(() => {
  const due = Atomics.load(shared, 0);
  const now = Date.now();
  const overdue = due !== 0 && now - origin >= due;
  if (!stall.shouldTerminate(now, Atomics.load(shared, 1), overdue)) return;
  // Cleared first, so one overdue request is terminated once; a new value from the main thread wins.
  if (Atomics.compareExchange(shared, 0, due, 0) !== due) return;
  session.post("Runtime.terminateExecution");
  parentPort?.postMessage("terminated");
}, pollMs);
