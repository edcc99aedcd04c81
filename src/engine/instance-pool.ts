/**
 * A bounded pool of pre-created, never-used instances of one compiled module, so that instantiation (and
 * the allocation of the instance's linear memory) happens off a request's critical path while every
 * request still gets an instance no request has touched: `take` hands each pooled item out exactly once and
 * forgets it; the caller runs it for one request and drops it. Taking schedules a refill for after the
 * current work (`setImmediate`), one instance per turn of the event loop so that refilling never holds up
 * I/O; an empty pool creates synchronously. Cost: up to `size` idle instances (and their memories) per
 * pool; lifetime: one pool per compiled module per handler, for as long as the handler serves.
 */

/** How many instances a pool keeps ready unless told otherwise. */
export const DEFAULT_POOL_SIZE = 8;

export interface InstancePoolOptions<T> {
  /** Creates one never-used item (an instance and whatever was bound to it); may throw. */
  readonly create: () => T;
  /** How many items to keep ready; 0 disables pooling. */
  readonly size?: number;
  /** Runs a refill step later; `setImmediate` by default (tests pass their own). */
  readonly schedule?: (step: () => void) => void;
}

const immediately = (step: () => void): void => {
  setImmediate(step).unref();
};

export class InstancePool<T> {
  readonly #create: () => T;
  readonly #size: number;
  readonly #schedule: (step: () => void) => void;
  readonly #ready: T[] = [];
  #refilling = false;

  constructor(options: InstancePoolOptions<T>) {
    this.#create = options.create;
    this.#size = options.size ?? DEFAULT_POOL_SIZE;
    this.#schedule = options.schedule ?? immediately;
    this.#refill();
  }

  /** How many never-used items are ready now. */
  get ready(): number {
    return this.#ready.length;
  }

  /**
   * Hands out a never-used item, created now when none is ready (a creation error is thrown to the
   * caller), and schedules a refill. The pool keeps no reference to what it hands out.
   */
  take(): T {
    const item = this.#ready.pop() ?? this.#create();
    this.#refill();
    return item;
  }

  #refill(): void {
    if (this.#refilling || this.#ready.length >= this.#size) return;
    this.#refilling = true;
    this.#schedule(() => {
      this.#refilling = false;
      if (this.#ready.length >= this.#size) return;
      try {
        this.#ready.push(this.#create());
      } catch {
        return; // The next `take` creates on the request path and reports the error there.
      }
      this.#refill();
    });
  }
}
