/**
 * Opt-in instance reuse (`spindle up --instance-reuse`): a component's instance serves up to a set number
 * of requests, one at a time, before it is dropped, instead of one. This trades isolation for speed: what
 * a request leaves in the guest's memory and globals (caches, module-level state, and anything a buggy
 * guest leaks) is seen by the requests that follow on the same instance, so it suits guests whose authors
 * made them stateless and whose instantiation dominates (large JS guests). Spin has no such mode; fresh
 * instance per request stays the default. An instance goes back to the idle set only after a call that
 * returned cleanly with a response, and never serves two requests at once (the component model forbids
 * re-entering an instance). A guest that cannot serve a second request (the Spin JS SDK's fetch-event
 * guests answer nothing the second time) turns reuse off for its component, once, with a warning.
 */

/** How many requests one instance may serve, per component: a default and per-component overrides. */
export interface InstanceReuse {
  /** For every component not named in `components`; 1 (no reuse) when absent. */
  readonly all?: number | undefined;
  readonly components: ReadonlyMap<string, number>;
}

export const NO_REUSE: InstanceReuse = { components: new Map() };

/** Requests per instance for `componentId`: 1 means a fresh instance for every request. */
export function requestsPerInstance(reuse: InstanceReuse, componentId: string): number {
  return reuse.components.get(componentId) ?? reuse.all ?? 1;
}

/** Idle reusable instances one component keeps; more concurrent requests use fresh instances. */
const IDLE_INSTANCES = 8;

/** One instance out on a request, and how many requests it had served before. */
export interface Lease<T> {
  readonly instance: T;
  readonly served: number;
}

export interface ReuseSetOptions<T> {
  /** A never-used instance (from the component's pool). */
  readonly fresh: () => T;
  /** Frees an instance that will not be used again (recycles its memory). */
  readonly retire: (instance: T) => void;
  /** Requests per instance; at most 1 disables reuse. */
  readonly limit: number;
}

/** The idle instances of one component that may serve another request. */
export class ReuseSet<T> {
  readonly #options: ReuseSetOptions<T>;
  readonly #idle: Lease<T>[] = [];
  #enabled: boolean;

  constructor(options: ReuseSetOptions<T>) {
    this.#options = options;
    this.#enabled = options.limit > 1;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** How many used instances wait for another request. */
  get idle(): number {
    return this.#idle.length;
  }

  /** An idle used instance when reuse is on and one is idle; otherwise a fresh one. */
  take(): Lease<T> {
    return this.#idle.pop() ?? { instance: this.#options.fresh(), served: 0 };
  }

  /** After a clean call that answered: back to the idle set, or retired at its limit. */
  done(lease: Lease<T>): void {
    const served = lease.served + 1;
    if (this.#enabled && served < this.#options.limit && this.#idle.length < IDLE_INSTANCES) {
      this.#idle.push({ instance: lease.instance, served });
    } else {
      this.#options.retire(lease.instance);
    }
  }

  /** Turns reuse off for good and retires the idle instances. */
  disable(): void {
    this.#enabled = false;
    for (const lease of this.#idle.splice(0)) this.#options.retire(lease.instance);
  }
}
