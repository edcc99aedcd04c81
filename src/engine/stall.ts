/**
 * The watchdog's rule for "the main thread is stuck in one task" (watchdog.ts): the main thread bumps a
 * shared heartbeat from a short interval timer, which runs on every turn of its event loop, so a beat
 * that has not moved for `stallMs` means one piece of JavaScript has held the thread that long. Only then
 * may an overdue deadline terminate it. A thread that is merely slow (many requests, a lagging loop,
 * deadline timers firing late) keeps beating and is never terminated: termination there would land in
 * Node's own code, between a callback's bookkeeping steps, and corrupt it. Pure; the watchdog thread
 * keeps one and asks it on every poll.
 */
export class StallDetector {
  readonly #stallMs: number;
  #beat: number | undefined;
  #since = 0;

  constructor(stallMs: number) {
    this.#stallMs = stallMs;
  }

  /** Whether to terminate now: `overdue`, and the heartbeat has stood still for `stallMs`. */
  shouldTerminate(now: number, beat: number, overdue: boolean): boolean {
    if (beat !== this.#beat) {
      this.#beat = beat;
      this.#since = now;
    }
    return overdue && now - this.#since >= this.#stallMs;
  }
}
