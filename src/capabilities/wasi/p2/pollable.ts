/**
 * `wasi:io/poll`: the one way a preview 2 guest waits. A `Pollable` asks its `Readiness` whether it is
 * ready now (sync, for `ready` and the first pass of `poll`) and for a promise of readiness (async, for
 * `block` and `poll`, which the executor wires through JSPI so the guest's stack suspends while Node keeps
 * serving). Timers, stream data, and outbound responses are all readiness sources. Pollables are per
 * instance, created by the guest's `subscribe` calls; cheap.
 */

export interface Readiness {
  isReady(): boolean;
  /** Settles (never rejects) once `isReady()` may have become true. */
  whenReady(): Promise<void>;
}

export class Pollable {
  readonly #readiness: Readiness;
  constructor(readiness: Readiness) {
    this.#readiness = readiness;
  }

  ready(): boolean {
    return this.#readiness.isReady();
  }

  /** Returns at once when ready, else a promise the glue awaits with the guest suspended. */
  block(): Promise<void> | undefined {
    return this.#readiness.isReady() ? undefined : this.#wait();
  }

  async #wait(): Promise<void> {
    while (!this.#readiness.isReady()) await this.#readiness.whenReady();
  }

  /** For `poll`: one pass of waiting, after which readiness is checked again. */
  whenReady(): Promise<void> {
    return this.#readiness.whenReady();
  }
}

/** `poll(in: list<borrow<pollable>>) -> list<u32>`: the indices of the ready pollables, waiting for one. */
export function poll(pollables: readonly Pollable[]): Uint32Array | Promise<Uint32Array> {
  if (pollables.length === 0) throw new Error("wasi:io/poll.poll called with an empty list");
  const ready = readyIndices(pollables);
  return ready.length > 0 ? ready : waitForAny(pollables);
}

async function waitForAny(pollables: readonly Pollable[]): Promise<Uint32Array> {
  for (;;) {
    await Promise.race(pollables.map((p) => p.whenReady()));
    const ready = readyIndices(pollables);
    if (ready.length > 0) return ready;
  }
}

function readyIndices(pollables: readonly Pollable[]): Uint32Array {
  const indices: number[] = [];
  pollables.forEach((p, i) => {
    if (p.ready()) indices.push(i);
  });
  return Uint32Array.from(indices);
}

const ALWAYS: Readiness = { isReady: () => true, whenReady: () => Promise.resolve() };

/** A pollable that is ready at once (for streams and futures that never wait). */
export function readyPollable(): Pollable {
  return new Pollable(ALWAYS);
}

/** Readiness of a promise: ready once it settled, whichever way. */
export function settledReadiness(promise: Promise<unknown>): Readiness {
  let settled = false;
  const done = promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  return { isReady: () => settled, whenReady: () => done };
}
