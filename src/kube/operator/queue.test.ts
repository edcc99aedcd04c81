import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkQueue } from "./queue.ts";

function controlledDelay() {
  const waits: { ms: number; release: () => void }[] = [];
  const delay = (ms: number) => new Promise<void>((release) => waits.push({ ms, release }));
  return { waits, delay };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(condition(), "condition never held");
}

test("a key added many times before it runs is processed once", async () => {
  const queue = new WorkQueue();
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) queue.add("ns/a");
  queue.add("ns/b");
  const controller = new AbortController();
  const running = queue.run(async (key) => {
    seen.push(key);
    if (seen.length === 2) controller.abort();
    await Promise.resolve();
  }, controller.signal);
  await running;
  assert.deepEqual(seen, ["ns/a", "ns/b"]);
});

test("a key added while it is processed runs again afterwards, never concurrently", async () => {
  const queue = new WorkQueue();
  const controller = new AbortController();
  let running = 0;
  let runs = 0;
  queue.add("k");
  const done = queue.run(async () => {
    running += 1;
    assert.equal(running, 1);
    runs += 1;
    if (runs === 1) queue.add("k");
    await new Promise((resolve) => setImmediate(resolve));
    running -= 1;
    if (runs === 2) controller.abort();
  }, controller.signal);
  await done;
  assert.equal(runs, 2);
});

test("failures are retried after an exponential backoff that resets on success", async () => {
  const { waits, delay } = controlledDelay();
  const errors: number[] = [];
  const queue = new WorkQueue({
    delay,
    baseDelayMs: 10,
    maxDelayMs: 25,
    onError: (_k, _e, n) => errors.push(n),
  });
  const controller = new AbortController();
  let calls = 0;
  queue.add("k");
  const done = queue.run(async () => {
    calls += 1;
    await Promise.resolve();
    if (calls <= 3) throw new Error("not yet");
  }, controller.signal);
  for (const expected of [10, 20, 25]) {
    await until(() => waits.length > 0);
    const wait = waits.shift();
    assert.equal(wait?.ms, expected);
    wait?.release();
  }
  await until(() => calls === 4);
  assert.equal(queue.failures("k"), 0);
  assert.deepEqual(errors, [1, 2, 3]);
  controller.abort();
  await done;
});
