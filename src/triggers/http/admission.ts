/**
 * Admission control for guest requests: at most `maxConcurrent` run at once, at most `maxQueued` more
 * wait for a slot in arrival order, and anything beyond is turned away at once (the server answers 503
 * with `Retry-After`) rather than queued without bound. Slots are handed from a finishing request
 * straight to the oldest waiting one. Reserved routes (`/.well-known/spin/…`) never need a slot, so
 * health checks answer under load. One per server; per request a counter update, plus a promise while
 * queued.
 */

/** Requests that may run at once unless `--max-concurrent-requests` says otherwise. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 100;
/** Requests that may wait for a slot unless `--max-queued-requests` says otherwise. */
export const DEFAULT_MAX_QUEUED_REQUESTS = 1000;

export interface AdmissionLimits {
  /** 0 means no limit. */
  readonly maxConcurrent: number;
  /** 0 means nothing waits: a request that finds every slot taken is turned away. */
  readonly maxQueued: number;
}

/** A place in the queue: `admitted` resolves when the request holds a slot; `cancel` gives the place up. */
export interface Waiting {
  readonly admitted: Promise<void>;
  readonly cancel: () => void;
}

export class Admission {
  readonly #limits: AdmissionLimits;
  readonly #waiting = new Set<() => void>();
  #running = 0;

  constructor(limits: AdmissionLimits) {
    this.#limits = limits;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.size;
  }

  /**
   * `true` when the request holds a slot now, a `Waiting` when it is queued, `false` when it must be
   * turned away. Every `true` and every resolved `Waiting` must be paired with one `release`.
   */
  admit(): boolean | Waiting {
    const { maxConcurrent, maxQueued } = this.#limits;
    if (maxConcurrent === 0 || this.#running < maxConcurrent) {
      this.#running++;
      return true;
    }
    if (this.#waiting.size >= maxQueued) return false;
    let wake: () => void = () => undefined;
    const admitted = new Promise<void>((resolve) => (wake = resolve));
    this.#waiting.add(wake);
    return { admitted, cancel: () => this.#waiting.delete(wake) };
  }

  /** Gives a slot back, or hands it to the oldest waiting request. */
  release(): void {
    const next = this.#waiting.values().next();
    if (next.done === true) {
      this.#running--;
      return;
    }
    this.#waiting.delete(next.value);
    next.value();
  }
}
