import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { closeAfterFailure, closeInOrder } from "./close-all.ts";

void describe("closeInOrder", () => {
  void it("runs every closer in order, each after the previous one settled", async () => {
    const order: string[] = [];
    await closeInOrder(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push("slow");
      },
      () => {
        order.push("sync");
      },
      async () => {
        await Promise.resolve();
        order.push("last");
      },
    );
    assert.deepEqual(order, ["slow", "sync", "last"]);
  });

  void it("closes the rest after a failure and throws that failure itself", async () => {
    const closed: string[] = [];
    const failure = new TypeError("first failed");
    await assert.rejects(
      closeInOrder(
        () => {
          throw failure;
        },
        () => {
          closed.push("second");
        },
      ),
      (error) => error === failure,
    );
    assert.deepEqual(closed, ["second"]);
  });

  void it("throws an AggregateError of every failure, in order, when several closers fail", async () => {
    const closed: string[] = [];
    await assert.rejects(
      closeInOrder(
        () => Promise.reject(new Error("a")),
        () => {
          closed.push("b");
        },
        () => Promise.reject(new Error("c")),
      ),
      (error) => {
        assert.ok(error instanceof AggregateError);
        assert.deepEqual(
          error.errors.map((e: Error) => e.message),
          ["a", "c"],
        );
        assert.equal(error.message, "2 resources failed to close: a; c");
        return true;
      },
    );
    assert.deepEqual(closed, ["b"]);
  });

  void it("does nothing without closers", async () => {
    await closeInOrder();
  });
});

void describe("closeAfterFailure", () => {
  void it("closes everything, reports a closer's failure, and throws the start's own error", async () => {
    const started = new Error("cannot listen");
    const reported: unknown[] = [];
    const closed: string[] = [];
    const leak = new Error("close failed");
    await assert.rejects(
      closeAfterFailure(
        started,
        (error) => reported.push(error),
        () => {
          throw leak;
        },
        () => {
          closed.push("second");
        },
      ),
      (error) => error === started,
    );
    assert.deepEqual(closed, ["second"]);
    assert.deepEqual(reported, [leak]);
  });
});
