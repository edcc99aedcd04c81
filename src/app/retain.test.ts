import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SpindleError } from "../errors.ts";
import type { LockedApp, LockedComponent } from "./locked.ts";
import { retainComponents } from "./retain.ts";

const component = (id: string, hosts: string[] = []): LockedComponent => ({
  id,
  source: { content_type: "application/wasm", digest: `sha256:${id}` },
  metadata: { allowed_outbound_hosts: hosts },
});

const app = (components: LockedComponent[], triggers: [string, string][]): LockedApp => ({
  spin_lock_version: 1,
  metadata: { name: "app" },
  components,
  triggers: triggers.map(([id, target]) => ({
    id,
    trigger_type: "http",
    trigger_config: { component: target, route: `/${id}` },
  })),
});

const failure = (run: () => unknown): SpindleError => {
  try {
    run();
  } catch (error) {
    if (error instanceof SpindleError) return error;
    throw error;
  }
  assert.fail("expected a SpindleError");
};

void describe("retainComponents", () => {
  const locked = app(
    [component("a"), component("b", ["http://a.spin.internal"]), component("c")],
    [
      ["ta", "a"],
      ["tb", "b"],
      ["tc", "c"],
      ["tc2", "c"],
    ],
  );

  void it("keeps the selected components and only their triggers", () => {
    const kept = retainComponents(locked, ["c", "a"], "--component-id");
    assert.deepEqual(
      kept.components.map((c) => c.id),
      ["a", "c"],
    );
    assert.deepEqual(
      kept.triggers.map((t) => t.id),
      ["ta", "tc", "tc2"],
    );
  });

  void it("names a selected component the app does not have, and lists the ones it has", () => {
    const error = failure(() => retainComponents(locked, ["a", "nope"], "--component-id"));
    assert.match(error.message, /Specified component "nope" not found in application \(--component-id\)/);
    assert.match(error.hint ?? "", /a, b, c/);
  });

  void it("refuses a selection that leaves out a component a selected one chains to", () => {
    const error = failure(() => retainComponents(locked, ["b"], "SPIN_COMPONENTS_TO_RETAIN"));
    assert.match(error.message, /Selected component 'b' cannot use service chaining to unselected component/);
    assert.match(error.message, /http:\/\/a\.spin\.internal/);
    assert.deepEqual(
      retainComponents(locked, ["a", "b"], "x").components.map((c) => c.id),
      ["a", "b"],
    );
  });

  void it("refuses wildcard chaining and ignores templated and ordinary hosts", () => {
    const wild = app([component("w", ["http://*.spin.internal"]), component("z")], [["tw", "w"]]);
    assert.match(failure(() => retainComponents(wild, ["w"], "x")).message, /wildcard service chaining/);
    const other = app([component("o", ["https://{{ host }}", "https://example.com:443"])], [["to", "o"]]);
    assert.equal(retainComponents(other, ["o"], "x").components.length, 1);
  });
});
