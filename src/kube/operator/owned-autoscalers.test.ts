import assert from "node:assert/strict";
import { test } from "node:test";
import type { SpinApp } from "../model/types.ts";
import { OwnedAutoscalers } from "./owned-autoscalers.ts";

const HPA = "HorizontalPodAutoscaler";
const KEDA = "ScaledObject";

function app(uid: string): SpinApp {
  return {
    group: "core.spinkube.dev",
    metadata: { name: "web", namespace: "apps", uid },
    spec: { executor: "x", image: "registry.example/web:1", enableAutoscaling: false },
  };
}

const kinds = (owned: OwnedAutoscalers, of: SpinApp) => [HPA, KEDA].filter((k) => owned.mayOwn(of, k));

test("an app not reconciled yet, or whose last write failed, may own either kind", () => {
  const owned = new OwnedAutoscalers();
  assert.deepEqual(kinds(owned, app("a")), [HPA, KEDA]);
  owned.settle(app("a"), undefined);
  owned.unsettle(app("a"));
  assert.deepEqual(kinds(owned, app("a")), [HPA, KEDA]);
});

test("a settled app may own only the kind it was given, or none", () => {
  const owned = new OwnedAutoscalers();
  owned.settle(app("a"), KEDA);
  assert.deepEqual(kinds(owned, app("a")), [KEDA]);
  owned.settle(app("a"), undefined);
  assert.deepEqual(kinds(owned, app("a")), []);
});

test("an app recreated under the same name, or forgotten, is unknown again", () => {
  const owned = new OwnedAutoscalers();
  owned.settle(app("a"), undefined);
  assert.deepEqual(kinds(owned, app("b")), [HPA, KEDA]);
  owned.forget("apps", "web");
  assert.deepEqual(kinds(owned, app("a")), [HPA, KEDA]);
});
