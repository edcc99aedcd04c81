import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Admission, type Waiting } from "./admission.ts";

const waiting = (ticket: boolean | Waiting): Waiting => {
  assert.equal(typeof ticket, "object");
  return ticket as Waiting;
};

void describe("Admission", () => {
  void it("admits up to the limit at once, queues up to the queue size, then turns away", () => {
    const admission = new Admission({ maxConcurrent: 2, maxQueued: 1 });
    assert.equal(admission.admit(), true);
    assert.equal(admission.admit(), true);
    waiting(admission.admit());
    assert.equal(admission.admit(), false);
    assert.deepEqual([admission.running, admission.queued], [2, 1]);
  });

  void it("hands a released slot to the oldest waiting request", async () => {
    const admission = new Admission({ maxConcurrent: 1, maxQueued: 2 });
    assert.equal(admission.admit(), true);
    const order: string[] = [];
    const first = waiting(admission.admit());
    const second = waiting(admission.admit());
    void first.admitted.then(() => order.push("first"));
    void second.admitted.then(() => order.push("second"));
    admission.release();
    await first.admitted;
    assert.deepEqual(order, ["first"]);
    assert.deepEqual([admission.running, admission.queued], [1, 1]);
    admission.release();
    await second.admitted;
    admission.release();
    assert.deepEqual([admission.running, admission.queued], [0, 0]);
  });

  void it("forgets a cancelled place in the queue", () => {
    const admission = new Admission({ maxConcurrent: 1, maxQueued: 1 });
    admission.admit();
    waiting(admission.admit()).cancel();
    assert.equal(admission.queued, 0);
    waiting(admission.admit());
    admission.release();
    assert.deepEqual([admission.running, admission.queued], [1, 0]);
  });

  void it("with 0 concurrency never limits, and with 0 queue never waits", () => {
    const unlimited = new Admission({ maxConcurrent: 0, maxQueued: 0 });
    for (let i = 0; i < 1000; i++) assert.equal(unlimited.admit(), true);
    const noQueue = new Admission({ maxConcurrent: 1, maxQueued: 0 });
    noQueue.admit();
    assert.equal(noQueue.admit(), false);
  });
});
