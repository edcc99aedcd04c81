import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RequestDeadlines } from "./deadline.ts";

const failOnWatchdog = (error: Error) => assert.fail(error);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// The watchdog's termination of a looping guest is tested end to end (test/e2e/limits.test.ts): the test
// runner enables async hooks, whose bookkeeping a termination cannot unwind (see watchdog.ts).
void describe("RequestDeadlines", () => {
  void it("calls back once the time is up, and never after end", async () => {
    const deadlines = new RequestDeadlines({ timeoutMs: 30, onWatchdogFailure: failOnWatchdog });
    const expired: string[] = [];
    deadlines.start(() => expired.push("late"));
    const ended = deadlines.start(() => expired.push("ended"));
    ended.end();
    await sleep(80);
    assert.deepEqual(expired, ["late"]);
    await deadlines.close();
  });

  void it("with timeout 0 never expires and starts no watchdog", async () => {
    const deadlines = new RequestDeadlines({ timeoutMs: 0, onWatchdogFailure: failOnWatchdog });
    let expired = false;
    deadlines.start(() => (expired = true));
    await sleep(20);
    assert.equal(expired, false);
    await deadlines.close();
  });
});
