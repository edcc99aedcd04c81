import assert from "node:assert/strict";
import { test } from "node:test";
import type { LockedApp } from "../../app/locked.ts";
import { parseSpinApp } from "../model/parse.ts";
import { lockedAppFacts, missingVariables } from "./app-facts.ts";

const locked: LockedApp = {
  spin_lock_version: 1,
  metadata: { name: "a" },
  variables: { api_key: {}, greeting: { default: "hi" }, Region: { secret: true } },
  triggers: [{ id: "t", trigger_type: "redis", trigger_config: {} }],
  components: [],
};

const app = (spec: Record<string, unknown>) =>
  parseSpinApp({
    apiVersion: "core.spinkube.dev/v1alpha1",
    kind: "SpinApp",
    metadata: { name: "a" },
    spec: { image: "r/a:v1", executor: "e", replicas: 1, ...spec },
  });

test("facts: HTTP triggers and the variables declared without a default", () => {
  const facts = lockedAppFacts("sha256:x", locked);
  assert.equal(facts.hasHttpTriggers, false);
  assert.deepEqual(facts.requiredVariables, ["Region", "api_key"]);
  const http = lockedAppFacts("sha256:x", {
    ...locked,
    triggers: [{ id: "h", trigger_type: "http", trigger_config: {} }],
  });
  assert.equal(http.hasHttpTriggers, true);
});

test("a variable counts as provided by spec.variables whatever its case", () => {
  const facts = lockedAppFacts("sha256:x", locked);
  assert.deepEqual(missingVariables(app({}), facts), ["Region", "api_key"]);
  assert.deepEqual(missingVariables(app({ variables: [{ name: "API_KEY", value: "k" }] }), facts), [
    "Region",
  ]);
});

test("an app loading its runtime config from a Secret may name other providers: nothing is reported", () => {
  const facts = lockedAppFacts("sha256:x", locked);
  assert.deepEqual(missingVariables(app({ runtimeConfig: { loadFromSecret: "rc" } }), facts), []);
});
