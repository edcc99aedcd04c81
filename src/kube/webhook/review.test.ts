import assert from "node:assert/strict";
import { test } from "node:test";
import { parseSpinAppExecutor } from "../model/parse.ts";
import { admit, webhookPaths, type AdmissionLookups } from "./review.ts";

const GROUP = "core.spinkube.dev";
const paths = webhookPaths(GROUP);
const executor = (name: string, spec: Record<string, unknown>) =>
  parseSpinAppExecutor({
    apiVersion: `${GROUP}/v1alpha1`,
    kind: "SpinAppExecutor",
    metadata: { name, namespace: "default" },
    spec,
  });
const shim = executor("containerd-shim-spin", {
  createDeployment: true,
  deploymentConfig: { runtimeClassName: "r" },
});
const lookups = (executors = [shim]): AdmissionLookups => ({
  listExecutors: () => Promise.resolve(executors),
  getExecutor: (_ns, name) => Promise.resolve(executors.find((e) => e.metadata.name === name)),
});
const app = (spec: Record<string, unknown>) => ({
  apiVersion: `${GROUP}/v1alpha1`,
  kind: "SpinApp",
  metadata: { name: "spinapp", namespace: "default" },
  spec: { image: "img", ...spec },
});
const request = (object: unknown, operation = "CREATE") => ({
  uid: "u-1",
  operation,
  namespace: "default",
  name: "spinapp",
  object,
});

test("kubebuilder's webhook paths", () => {
  assert.deepEqual(paths, {
    mutateApp: "/mutate-core-spinkube-dev-v1alpha1-spinapp",
    mutateExecutor: "/mutate-core-spinkube-dev-v1alpha1-spinappexecutor",
    validateApp: "/validate-core-spinkube-dev-v1alpha1-spinapp",
    validateExecutor: "/validate-core-spinkube-dev-v1alpha1-spinappexecutor",
  });
});

test("defaulting patches in the smallest executor name, and an empty one when there is none", async () => {
  const response = await admit(GROUP, paths.mutateApp, request(app({ replicas: 1 })), lookups());
  assert.equal(response?.patchType, "JSONPatch");
  assert.deepEqual(JSON.parse(Buffer.from(response?.patch ?? "", "base64").toString()), [
    { op: "add", path: "/spec/executor", value: "containerd-shim-spin" },
  ]);
  const none = await admit(GROUP, paths.mutateApp, request(app({ executor: "" })), lookups([]));
  assert.deepEqual(JSON.parse(Buffer.from(none?.patch ?? "", "base64").toString()), [
    { op: "replace", path: "/spec/executor", value: "" },
  ]);
  const set = await admit(GROUP, paths.mutateApp, request(app({ executor: "mine" })), lookups());
  assert.deepEqual(set, { uid: "u-1", allowed: true });
});

test("validation denies with SpinKube's Invalid message and allows a good app", async () => {
  const bad = await admit(GROUP, paths.validateApp, request(app({ executor: "", replicas: 1 })), lookups());
  assert.equal(bad?.allowed, false);
  assert.deepEqual(bad?.status, {
    code: 422,
    reason: "Invalid",
    message:
      'SpinApp.core.spinkube.dev "spinapp" is invalid: spec.executor: Invalid value: "": executor must be set, likely no default executor was set because you have no executors installed',
  });
  const good = app({ executor: "containerd-shim-spin", replicas: 1 });
  assert.deepEqual(await admit(GROUP, paths.validateApp, request(good), lookups()), {
    uid: "u-1",
    allowed: true,
  });
  const deleting = await admit(GROUP, paths.validateApp, request(app({}), "DELETE"), lookups());
  assert.equal(deleting?.allowed, true);
});

test("executor validation: runtimeClassName and spinImage are mutually exclusive", async () => {
  const object = {
    apiVersion: `${GROUP}/v1alpha1`,
    kind: "SpinAppExecutor",
    metadata: { name: "both" },
    spec: { createDeployment: true, deploymentConfig: { runtimeClassName: "foo", spinImage: "img" } },
  };
  const response = await admit(
    GROUP,
    paths.validateExecutor,
    { uid: "u", operation: "UPDATE", name: "both", object },
    lookups(),
  );
  assert.match(response?.status?.message ?? "", /runtimeClassName and spinImage are mutually exclusive/);
  assert.equal(await admit(GROUP, "/elsewhere", { uid: "u", operation: "CREATE" }, lookups()), undefined);
});
