import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ByteQueue } from "./byte-queue.ts";
import { ByteSource } from "./byte-source.ts";
import { GuestError } from "./guest-error.ts";
import { poll } from "./pollable.ts";
import { queueSink } from "./sinks.ts";
import { InputStream, OutputStream } from "./streams.ts";

function payloadOf(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof GuestError);
    return error.payload;
  }
  assert.fail("expected a guest-visible error");
}

async function* chunks(...parts: string[]) {
  for (const part of parts) {
    await new Promise((resolve) => setImmediate(resolve));
    yield new TextEncoder().encode(part);
  }
}

describe("InputStream over a body still arriving", () => {
  it("answers reads at once, waits through its pollable, then reports closed", async () => {
    const stream = new InputStream(new ByteSource(chunks("ab", "cde")));
    assert.equal(stream.read(10n).length, 0, "nothing buffered yet: an empty read, not an error");
    const pollable = stream.subscribe();
    assert.equal(pollable.ready(), false);
    await pollable.block();
    assert.equal(new TextDecoder().decode(stream.read(1n)), "a");
    assert.equal(new TextDecoder().decode(await stream.blockingRead(10n)), "b");
    assert.equal(new TextDecoder().decode(await stream.blockingRead(10n)), "cde");
    await assert.rejects(
      async () => stream.blockingRead(10n),
      (error: unknown) => error instanceof GuestError && (error.payload as { tag: string }).tag === "closed",
    );
  });

  it("reports a failing source as last-operation-failed with the reason", async () => {
    const failing: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error("connection reset")) }),
    };
    const stream = new InputStream(new ByteSource(failing));
    await stream.subscribe().block();
    const payload = payloadOf(() => stream.read(1n)) as { tag: string; val: { toDebugString(): string } };
    assert.equal(payload.tag, "last-operation-failed");
    assert.equal(payload.val.toDebugString(), "connection reset");
  });

  it("poll returns the ready indices and waits when none is ready", async () => {
    const waiting = new InputStream(new ByteSource(chunks("x")));
    const done = new InputStream(new ByteSource(new Uint8Array(0)));
    assert.deepEqual([...(await poll([waiting.subscribe(), done.subscribe()]))], [1]);
    assert.deepEqual([...(await poll([waiting.subscribe()]))], [0]);
  });
});

describe("OutputStream over a queue", () => {
  it("delivers writes in order to the consumer and ends when the queue closes", async () => {
    const queue = new ByteQueue();
    const stream = new OutputStream(queueSink(queue));
    stream.write(new TextEncoder().encode("one "));
    const flushed = stream.blockingWriteAndFlush(new TextEncoder().encode("two"));
    const read = (async () => {
      let text = "";
      for await (const chunk of queue) text += new TextDecoder().decode(chunk);
      return text;
    })();
    await flushed;
    queue.close();
    assert.equal(await read, "one two");
  });

  it("offers backpressure through check-write and reports closed once the reader left", async () => {
    const queue = new ByteQueue();
    const stream = new OutputStream(queueSink(queue));
    stream.write(new Uint8Array(300 * 1024));
    assert.equal(stream.checkWrite(), 0n);
    assert.equal(stream.subscribe().ready(), false);
    const iterator = queue[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return();
    assert.equal(queue.abandoned, true);
    assert.deepEqual(
      payloadOf(() => stream.write(new Uint8Array(1))),
      { tag: "closed" },
    );
  });

  it("makes the consumer's iteration throw when the body fails", async () => {
    const queue = new ByteQueue();
    queue.push(new Uint8Array([1]));
    queue.fail(new Error("trap after the response"));
    const seen: number[] = [];
    await assert.rejects(async () => {
      for await (const chunk of queue) seen.push(...chunk);
    }, /trap after the response/);
    assert.deepEqual(seen, [1], "what was written before the failure still goes out");
  });
});
