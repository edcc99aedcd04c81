import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_POOL_SIZE, InstancePool } from "./instance-pool.ts";

/** A pool over numbered items whose refill steps run only when the test says so. */
function manualPool(size?: number) {
  const steps: (() => void)[] = [];
  let created = 0;
  const pool = new InstancePool({
    create: () => ({ id: ++created }),
    ...(size === undefined ? {} : { size }),
    schedule: (step) => steps.push(step),
  });
  const runSteps = () => {
    while (steps.length > 0) steps.shift()?.();
  };
  return { pool, runSteps, steps, created: () => created };
}

void describe("InstancePool", () => {
  void it("fills itself off the caller's path, one item per step, up to its size", () => {
    const { pool, runSteps, steps, created } = manualPool();
    assert.equal(created(), 0, "nothing is created while constructing");
    assert.equal(steps.length, 1);
    runSteps();
    assert.equal(pool.ready, DEFAULT_POOL_SIZE);
    assert.equal(created(), DEFAULT_POOL_SIZE);
  });

  void it("hands every item out at most once, pooled or created on demand", () => {
    const { pool, runSteps } = manualPool(3);
    runSteps();
    const seen = new Set<object>();
    for (let i = 0; i < 20; i++) {
      const item = pool.take();
      assert.ok(!seen.has(item), `item ${item.id} was handed out twice`);
      seen.add(item);
      if (i % 4 === 0) runSteps(); // sometimes refilled, sometimes drained to empty
    }
    assert.equal(seen.size, 20);
  });

  void it("creates on demand when empty and refills only after the take", () => {
    const { pool, runSteps, created } = manualPool(2);
    const first = pool.take();
    assert.deepEqual([first.id, pool.ready], [1, 0]);
    runSteps();
    assert.deepEqual([pool.ready, created()], [2, 3]);
  });

  void it("with size 0 keeps nothing ready", () => {
    const { pool, runSteps, steps } = manualPool(0);
    runSteps();
    assert.equal(pool.take().id, 1);
    assert.deepEqual([pool.ready, steps.length], [0, 0]);
  });

  void it("stops refilling when creating fails, and reports the failure to the next take", () => {
    let fail = true;
    const steps: (() => void)[] = [];
    const pool = new InstancePool({
      create: () => {
        if (fail) throw new Error("out of memory");
        return {};
      },
      schedule: (step) => steps.push(step),
    });
    steps.shift()?.();
    assert.deepEqual([pool.ready, steps.length], [0, 0]);
    assert.throws(() => pool.take(), /out of memory/);
    fail = false;
    assert.ok(pool.take());
  });

  void it("refills with setImmediate by default", async () => {
    const pool = new InstancePool({ create: () => ({}), size: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pool.ready, 2);
  });
});
