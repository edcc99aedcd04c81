import assert from "node:assert/strict";
import { test } from "node:test";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { parseSpinApp, parseSpinAppExecutor } from "../model/parse.ts";
import {
  autoscalerKind,
  autoscalingPolicy,
  buildAutoscaler,
  buildHorizontalPodAutoscaler,
  buildScaledObject,
  type AutoscalerSettings,
} from "./autoscaling.ts";

const settings: AutoscalerSettings = {
  name: "keda-spinapp",
  namespace: "apps",
  minReplicas: 1,
  maxReplicas: 20,
  targets: [
    { resource: "cpu", utilization: 50 },
    { resource: "memory", utilization: 70 },
  ],
};

test("the KEDA ScaledObject targets the Deployment with quoted utilization values and validates", () => {
  const object = buildScaledObject(settings);
  assert.deepEqual(object, {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: "keda-spinapp-autoscaler", namespace: "apps" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "keda-spinapp" },
      minReplicaCount: 1,
      maxReplicaCount: 20,
      triggers: [
        { type: "cpu", metricType: "Utilization", metadata: { value: "50" } },
        { type: "memory", metricType: "Utilization", metadata: { value: "70" } },
      ],
    },
  });
  assert.doesNotThrow(() => new ScaledObject(structuredClone(object)).validate());
});

test("the HPA validates against autoscaling/v2 and lists metrics in the given order", () => {
  const object = buildHorizontalPodAutoscaler(settings);
  assert.deepEqual(
    object.spec.metrics.map((m) => [m.resource.name, m.resource.target.averageUtilization]),
    [
      ["cpu", 50],
      ["memory", 70],
    ],
  );
  assert.doesNotThrow(() => new HorizontalPodAutoscaler(structuredClone(object)).validate());
});

const executor = (annotations: Record<string, string> = {}) =>
  parseSpinAppExecutor({
    apiVersion: "core.spinkube.dev/v1alpha1",
    kind: "SpinAppExecutor",
    metadata: { name: "shim", annotations },
    spec: { createDeployment: true, deploymentConfig: { runtimeClassName: "wasmtime-spin-v2" } },
  });

const app = (annotations: Record<string, string> = {}, resources: Record<string, unknown> = {}) =>
  parseSpinApp({
    apiVersion: "core.spinkube.dev/v1alpha1",
    kind: "SpinApp",
    metadata: { name: "web", namespace: "apps", uid: "u-9", annotations },
    spec: { image: "reg.example/web:v1", executor: "shim", enableAutoscaling: true, resources },
  });

test("the app's spindle.dev/autoscaler annotation wins over its executor's; an HPA without either", () => {
  assert.equal(autoscalerKind(app(), executor()), "hpa");
  assert.equal(autoscalerKind(app(), executor({ "spindle.dev/autoscaler": "keda" })), "keda");
  assert.equal(
    autoscalerKind(app({ "spindle.dev/autoscaler": "hpa" }), executor({ "spindle.dev/autoscaler": "keda" })),
    "hpa",
  );
  assert.throws(() => autoscalerKind(app({ "spindle.dev/autoscaler": "vpa" }), executor()), {
    message: 'SpinApp "web": annotation spindle.dev/autoscaler is "vpa"',
  });
  assert.throws(() => autoscalerKind(app(), executor({ "spindle.dev/autoscaler": "KEDA" })), {
    message: 'SpinAppExecutor "shim": annotation spindle.dev/autoscaler is "KEDA"',
  });
});

test("bounds and target come from annotations, and are checked", () => {
  const policy = autoscalingPolicy(
    app({
      "spindle.dev/autoscaler-min-replicas": "2",
      "spindle.dev/autoscaler-max-replicas": "8",
      "spindle.dev/autoscaler-target-utilization": "75",
    }),
  );
  assert.deepEqual(policy, { minReplicas: 2, maxReplicas: 8, targetUtilization: 75 });
  assert.deepEqual(autoscalingPolicy(app()), { minReplicas: 1, maxReplicas: 10, targetUtilization: 60 });
  for (const [key, value] of [
    ["spindle.dev/autoscaler-min-replicas", "0"],
    ["spindle.dev/autoscaler-max-replicas", "two"],
    ["spindle.dev/autoscaler-target-utilization", "101"],
    ["spindle.dev/autoscaler-min-replicas", "1.5"],
  ] as const) {
    assert.throws(() => autoscalingPolicy(app({ [key]: value })), {
      message: `SpinApp "web": annotation ${key} is "${value}"`,
    });
  }
  assert.throws(() => autoscalingPolicy(app({ "spindle.dev/autoscaler-min-replicas": "11" })), {
    message: 'SpinApp "web": the minimum replica count (11) is greater than the maximum (10)',
  });
});

test("the operator's HPA is labelled and owned by the app, with a target per resource the app names", () => {
  const hpa = buildAutoscaler(app({}, { requests: { memory: "64Mi" }, limits: { cpu: "500m" } }), executor());
  assert.deepEqual(hpa.metadata, {
    name: "web-autoscaler",
    namespace: "apps",
    labels: { "core.spinkube.dev/app-name": "web" },
    ownerReferences: [
      {
        apiVersion: "core.spinkube.dev/v1alpha1",
        kind: "SpinApp",
        name: "web",
        uid: "u-9",
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  });
  assert.equal(hpa.kind, "HorizontalPodAutoscaler");
  assert.doesNotThrow(() => new HorizontalPodAutoscaler(structuredClone(hpa) as never).validate());
  assert.deepEqual(
    (hpa.spec as { metrics: { resource: { name: string } }[] }).metrics.map((m) => m.resource.name),
    ["cpu", "memory"],
  );
});

test("with keda the operator builds a ScaledObject with the annotated bounds", () => {
  const scaled = buildAutoscaler(
    app({ "spindle.dev/autoscaler": "keda", "spindle.dev/autoscaler-max-replicas": "4" }),
    executor(),
  );
  assert.equal(scaled.kind, "ScaledObject");
  assert.deepEqual(scaled.spec, {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicaCount: 1,
    maxReplicaCount: 4,
    triggers: [{ type: "cpu", metricType: "Utilization", metadata: { value: "60" } }],
  });
  assert.doesNotThrow(() => new ScaledObject(structuredClone(scaled) as never).validate());
});
