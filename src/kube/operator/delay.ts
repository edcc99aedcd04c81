/**
 * Waiting, injected: the operator's retry and re-watch loops call a `Delay` instead of `setTimeout`, so
 * tests run them without sleeping. The real one resolves early (without throwing) when the signal aborts.
 */
export type Delay = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realDelay: Delay = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
