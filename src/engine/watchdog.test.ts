import { it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startWatchdog } from "./watchdog.ts";

it("gives a task that starts after idle time the whole stall time before terminating it", async () => {
  const watchdog = startWatchdog((error) => assert.fail(error));
  let terminated = false;
  watchdog.onTerminate(() => (terminated = true));
  // Longer than the stall time, with no deadline: the heartbeat is off.
  await sleep(1_300);
  watchdog.setOverdueAt(Date.now() + 50);
  // Host work holding the thread past the deadline, but for less than the stall time.
  const end = Date.now() + 400;
  while (Date.now() < end);
  watchdog.setOverdueAt(undefined);
  await sleep(100);
  assert.equal(terminated, false);
  await watchdog.close();
});
