import assert from "node:assert/strict";
import { test } from "node:test";
import { loadKubeYaml } from "./load.ts";
import { parseSpinApp, parseSpinAppExecutor } from "./parse.ts";

const base = { apiVersion: "core.spinkube.dev/v1alpha1", kind: "SpinApp", metadata: { name: "a" } };

test("a current SpinApp parses with the CRD defaults filled in", () => {
  const app = parseSpinApp({
    ...base,
    spec: {
      image: "img",
      executor: "x",
      replicas: 2,
      checks: { liveness: { httpGet: { path: "/h" }, periodSeconds: 7 } },
    },
  });
  assert.equal(app.group, "core.spinkube.dev");
  assert.equal(app.spec.enableAutoscaling, false);
  assert.deepEqual(app.spec.checks?.liveness, {
    httpGet: { path: "/h" },
    periodSeconds: 7,
    initialDelaySeconds: 10,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
  });
});

test("every schema problem is reported at once, API-server style", () => {
  assert.throws(
    () =>
      parseSpinApp({
        ...base,
        spec: {
          replicas: "two",
          components: [],
          podLabels: { a: 1 },
          bogus: true,
          checks: { readiness: { httpGet: {} } },
        },
      }),
    (error: Error) => {
      assert.equal(
        error.message,
        '<input>: SpinApp.core.spinkube.dev "a" is invalid: [' +
          'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string", ' +
          "spec.components: Invalid value: 0: spec.components in body should have at least 1 items, " +
          'spec.podLabels[a]: Invalid value: "integer": spec.podLabels[a] in body must be of type string: "integer", ' +
          'spec: unknown field "spec.bogus", ' +
          "spec.checks.readiness.httpGet.path: Required value, " +
          "spec.executor: Required value, spec.image: Required value]",
      );
      return true;
    },
  );
});

test("wrong kinds and groups are rejected with the expected group in the message", () => {
  assert.throws(
    () => parseSpinApp({ ...base, apiVersion: "core.spinkube.dev/v1" }),
    /expected a SpinApp in core.spinkube.dev\/v1alpha1/,
  );
  assert.throws(() => parseSpinAppExecutor({ ...base, spec: {} }), /expected a SpinAppExecutor/);
});

test("the seed's legacy shapes normalise into the current model", () => {
  const { apps, executors, others } = loadKubeYaml(`
apiVersion: core.spinoperator.dev/v1alpha1
kind: SpinApp
metadata: { name: hello-spin }
spec:
  image: ghcr.io/example/hello-spin:v1
  executor: containerd-shim-spin
  replicas: 3
  runtime-config:
    key_value_stores:
      default: { type: redis, url: "redis://redis-cluster:6379", pool: 4 }
    sqlite_databases:
      default: { type: libsql, url: "https://my-turso-db.turso.io" }
    llm_compute: { type: spin }
  podSpec:
    tolerations: [{ key: workload-type, operator: Equal, value: wasm, effect: NoSchedule }]
    nodeSelector: { kubernetes.io/arch: wasm32-wasi }
---
apiVersion: core.spinoperator.dev/v1alpha1
kind: SpinAppExecutor
metadata: { name: containerd-shim-spin }
spec: { createDeployment: true, deploymentConfig: { runtimeClassName: wasmtime-spin-v2 } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: c }
`);
  const app = apps[0] ?? assert.fail();
  assert.equal(app.group, "core.spinoperator.dev");
  assert.deepEqual(app.spec.runtimeConfig, {
    keyValueStores: [
      {
        name: "default",
        type: "redis",
        options: [
          { name: "url", value: "redis://redis-cluster:6379" },
          { name: "pool", value: "4" },
        ],
      },
    ],
    sqliteDatabases: [
      { name: "default", type: "libsql", options: [{ name: "url", value: "https://my-turso-db.turso.io" }] },
    ],
    llmCompute: { type: "spin" },
  });
  assert.deepEqual(app.spec.tolerations, [
    { key: "workload-type", operator: "Equal", value: "wasm", effect: "NoSchedule" },
  ]);
  assert.deepEqual(app.spec.nodeSelector, { "kubernetes.io/arch": "wasm32-wasi" });
  assert.equal(executors[0]?.spec.deploymentConfig?.runtimeClassName, "wasmtime-spin-v2");
  assert.equal(others.length, 1);
});

test("legacy-only fields are unknown in the current group", () => {
  assert.throws(
    () => parseSpinApp({ ...base, spec: { image: "i", executor: "e", podSpec: {} } }),
    /unknown field "spec.podSpec"/,
  );
});

test("broken YAML is a user error naming the source", () => {
  assert.throws(() => loadKubeYaml("a: [", "app.yaml"), /^SpindleError: app.yaml: invalid YAML/);
});
