import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultSpinApp, formatInvalid, validateSpinApp, validateSpinAppExecutor } from "./admission.ts";
import { parseSpinApp, parseSpinAppExecutor } from "./parse.ts";
import type { SpinAppExecutor } from "./types.ts";

function executor(name: string, spec: Record<string, unknown>): SpinAppExecutor {
  return parseSpinAppExecutor({
    apiVersion: "core.spinkube.dev/v1alpha1",
    kind: "SpinAppExecutor",
    metadata: { name },
    spec,
  });
}

const shim = executor("containerd-shim-spin", {
  createDeployment: true,
  deploymentConfig: { runtimeClassName: "r" },
});
const external = executor("cyclotron", { createDeployment: false });

function app(spec: Record<string, unknown>) {
  return parseSpinApp({
    apiVersion: "core.spinkube.dev/v1alpha1",
    kind: "SpinApp",
    metadata: { name: "spinapp" },
    spec: { image: "img", executor: "containerd-shim-spin", ...spec },
  });
}

test("defaulting picks the byte-wise smallest executor name, or leaves it empty", () => {
  assert.equal(defaultSpinApp(app({ executor: "" }), [external, shim]).spec.executor, "containerd-shim-spin");
  assert.equal(defaultSpinApp(app({ executor: "" }), [external]).spec.executor, "cyclotron");
  assert.equal(defaultSpinApp(app({ executor: "" }), []).spec.executor, "");
  assert.equal(defaultSpinApp(app({ executor: "mine" }), [shim]).spec.executor, "mine");
});

test("a missing executor gives SpinKube's exact denial", () => {
  const errors = validateSpinApp(app({ executor: "", replicas: 1 }), undefined);
  assert.equal(
    `admission webhook "vspinapp.kb.io" denied the request: ${formatInvalid("SpinApp", "core.spinkube.dev", "spinapp", errors)}`,
    'admission webhook "vspinapp.kb.io" denied the request: SpinApp.core.spinkube.dev "spinapp" is invalid: spec.executor: Invalid value: "": executor must be set, likely no default executor was set because you have no executors installed',
  );
  assert.deepEqual(validateSpinApp(app({ executor: "gone", replicas: 1 }), undefined), [
    'spec.executor: Invalid value: "gone": executor does not exist in namespace',
  ]);
});

test("replicas rules depend on autoscaling", () => {
  assert.deepEqual(validateSpinApp(app({ replicas: -1 }), shim), [
    "spec.replicas: Invalid value: -1: replicas must be > 0",
  ]);
  assert.deepEqual(validateSpinApp(app({}), shim), ["spec.replicas: Invalid value: 0: replicas must be > 0"]);
  assert.deepEqual(validateSpinApp(app({ replicas: 3, enableAutoscaling: true }), shim), [
    "spec.replicas: Invalid value: 3: replicas cannot be set when autoscaling is enabled",
  ]);
  assert.deepEqual(validateSpinApp(app({ enableAutoscaling: true }), shim), []);
});

test("annotations are refused for executors without deployments, deployment annotations first", () => {
  const both = app({
    replicas: 1,
    executor: "cyclotron",
    deploymentAnnotations: { key: "asdf" },
    podAnnotations: { p: "q" },
  });
  assert.deepEqual(validateSpinApp(both, external), [
    `spec.deploymentAnnotations: Invalid value: {"key":"asdf"}: deploymentAnnotations can't be set when the executor does not use operator deployments`,
  ]);
  const pod = app({ replicas: 1, executor: "cyclotron", podAnnotations: { p: "q" } });
  assert.deepEqual(validateSpinApp(pod, external), [
    `spec.podAnnotations: Invalid value: {"p":"q"}: podAnnotations can't be set when the executor does not use operator deployments`,
  ]);
  assert.deepEqual(validateSpinApp(pod, shim), []);
});

test("invocation memory limits must parse and fit the container's memory", () => {
  assert.deepEqual(validateSpinApp(app({ replicas: 1, invocationLimits: { memory: "lots" } }), shim), [
    'spec.invocationLimits[memory]: Invalid value: "lots": memory limit must be a valid memory quantity (e.g. 128Mi, 1Gi)',
  ]);
  const request = app({
    replicas: 1,
    invocationLimits: { memory: "50Mi" },
    resources: { requests: { memory: "40Mi" } },
  });
  assert.deepEqual(validateSpinApp(request, shim), [
    'spec.invocationLimits[memory]: Invalid value: "50Mi": invocation limit quantity cannot be greater than the memory request (40Mi)',
  ]);
  const limit = app({
    replicas: 1,
    invocationLimits: { memory: "50Mi" },
    resources: { requests: { memory: "100Mi" }, limits: { memory: "45Mi" } },
  });
  assert.match(validateSpinApp(limit, shim)[0] ?? "", /greater than the memory limit \(45Mi\)$/);
  assert.deepEqual(validateSpinApp(app({ replicas: 1, invocationLimits: { memory: "50Mi" } }), shim), []);
});

test("several errors are joined in brackets", () => {
  const errors = validateSpinApp(app({ executor: "", replicas: 0 }), undefined);
  assert.match(
    formatInvalid("SpinApp", "core.spinkube.dev", "x", errors),
    /is invalid: \[spec.executor: .*, spec.replicas: .*\]$/,
  );
});

test("executor checks: exactly one of runtimeClassName and spinImage", () => {
  assert.deepEqual(validateSpinAppExecutor(executor("e", { createDeployment: true })), []);
  assert.deepEqual(
    validateSpinAppExecutor(
      executor("e", {
        createDeployment: true,
        deploymentConfig: { runtimeClassName: "foo", spinImage: "s" },
      }),
    ),
    [
      'spec.deploymentConfig.runtimeClassName: Invalid value: "foo": runtimeClassName and spinImage are mutually exclusive',
    ],
  );
  assert.deepEqual(validateSpinAppExecutor(executor("e", { createDeployment: true, deploymentConfig: {} })), [
    "spec.deploymentConfig.runtimeClassName: Invalid value: null: either runtimeClassName or spinImage must be set",
  ]);
});
