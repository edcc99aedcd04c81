import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { StallDetector } from "./stall.ts";

void describe("StallDetector", () => {
  void it("terminates an overdue thread only once its heartbeat has stood still for the stall time", () => {
    const stall = new StallDetector(500);
    assert.equal(stall.shouldTerminate(0, 7, true), false, "the first poll only sees the beat");
    assert.equal(stall.shouldTerminate(499, 7, true), false);
    assert.equal(stall.shouldTerminate(500, 7, true), true);
  });

  void it("never terminates a thread that keeps beating, however late its deadlines are", () => {
    const stall = new StallDetector(500);
    for (let t = 0, beat = 0; t < 10_000; t += 100, beat++) {
      assert.equal(stall.shouldTerminate(t, beat, true), false, `at ${t} ms`);
    }
  });

  void it("does not terminate a stalled thread that owes nothing", () => {
    const stall = new StallDetector(500);
    stall.shouldTerminate(0, 1, false);
    assert.equal(stall.shouldTerminate(5_000, 1, false), false);
    assert.equal(stall.shouldTerminate(5_001, 1, true), true, "…until a deadline is overdue");
  });
});
