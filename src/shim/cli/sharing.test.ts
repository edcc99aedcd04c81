import { test } from "node:test";
import assert from "node:assert/strict";
import { idleExitMs, shimSharing } from "./sharing.ts";

test("SPINDLE_SHIM_SHARING is pod unless set to node, and anything else is refused by name", () => {
  assert.equal(shimSharing({}), "pod");
  assert.equal(shimSharing({ SPINDLE_SHIM_SHARING: "node" }), "node");
  assert.throws(
    () => shimSharing({ SPINDLE_SHIM_SHARING: "cluster" }),
    /SPINDLE_SHIM_SHARING is "cluster": expected pod or node/,
  );
});

test("SPINDLE_SHIM_IDLE_EXIT is seconds, 30 by default", () => {
  assert.equal(idleExitMs({}), 30_000);
  assert.equal(idleExitMs({ SPINDLE_SHIM_IDLE_EXIT: "1.5" }), 1500);
  for (const bad of ["", "soon", "-1"]) {
    assert.throws(
      () => idleExitMs({ SPINDLE_SHIM_IDLE_EXIT: bad }),
      /SPINDLE_SHIM_IDLE_EXIT is .*expected a number of seconds/,
    );
  }
});
