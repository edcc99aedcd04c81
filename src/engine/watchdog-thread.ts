/**
 * The watchdog's own thread (see watchdog.ts). It polls a shared slot where the main thread keeps the
 * time at which its oldest request is overdue; once that time has passed and the slot still holds it, the
 * main thread cannot have answered the request, so its event loop is blocked (a guest looping in
 * WebAssembly). The thread then asks the main thread's inspector to terminate the JavaScript running
 * there, which V8 delivers at the next interrupt check of the guest's loop. One per process, idle but for
 * the poll; it never touches the main thread's objects.
 */
import { Session } from "node:inspector";
import { parentPort, workerData } from "node:worker_threads";

interface WatchdogData {
  /** One Int32: ms after `origin` at which the main thread is overdue; 0 when nothing is due. */
  readonly slot: SharedArrayBuffer;
  /** `Date.now()` on the main thread when the slot was created. */
  readonly origin: number;
  readonly pollMs: number;
}

const { slot, origin, pollMs } = workerData as WatchdogData;
const overdueAt = new Int32Array(slot);
const session = new Session();
session.connectToMainThread();

setInterval(() => {
  const due = Atomics.load(overdueAt, 0);
  if (due === 0 || Date.now() - origin < due) return;
  // Cleared first, so one overdue request is terminated once; a new value from the main thread wins.
  if (Atomics.compareExchange(overdueAt, 0, due, 0) !== due) return;
  session.post("Runtime.terminateExecution");
  parentPort?.postMessage("terminated");
}, pollMs);
