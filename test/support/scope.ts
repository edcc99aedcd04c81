/**
 * Cleanup scopes for end-to-end tests. A test's own `TestContext` is one; `suiteScope()` gives a describe
 * block a scope whose cleanups run in its `after` hook, so one app can serve all the tests of a suite.
 */
import { after } from "node:test";

export interface Scope {
  after(cleanup: () => unknown): void;
}

export function suiteScope(): Scope {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  return { after: (cleanup) => cleanups.push(cleanup) };
}
