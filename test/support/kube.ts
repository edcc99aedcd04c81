/**
 * Helpers for the operator's end-to-end tests: a client for the fake API server, an operator running
 * in-process against it with waits that never sleep, and `eventually` for the state it converges to.
 */
import assert from "node:assert/strict";
import { KubeClient } from "../../src/kube/client/client.ts";
import { kubeconfigConnection } from "../../src/kube/client/connection.ts";
import { realDelay } from "../../src/kube/operator/delay.ts";
import { Operator } from "../../src/kube/operator/operator.ts";
import type { AppSource } from "../../src/kube/operator/app-inspector.ts";
import type { FakeKube } from "./fake-kube.ts";
import type { Scope } from "./scope.ts";

export function clientFor(t: Scope, fake: FakeKube): KubeClient {
  const client = new KubeClient(kubeconfigConnection(fake.kubeconfig));
  t.after(() => client.close());
  return client;
}

/** Retries wait at most 10 ms instead of their backoff, so failing apps neither stall nor spin the CPU. */
const noSleep = (ms: number, signal?: AbortSignal) => realDelay(Math.min(ms, 10), signal);

export function startOperator(
  t: Scope,
  fake: FakeKube,
  source?: AppSource,
): { operator: Operator; log: string[] } {
  const log: string[] = [];
  const operator = new Operator({
    client: clientFor(t, fake),
    delay: noSleep,
    log: (line) => log.push(line),
    ...(source === undefined ? {} : { source }),
  });
  operator.start();
  t.after(() => operator.stop());
  return { operator, log };
}

/** Resolves with `probe()`'s first value that is not `undefined`, polling for up to 15 s. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
