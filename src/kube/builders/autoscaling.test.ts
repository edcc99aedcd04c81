import assert from "node:assert/strict";
import { test } from "node:test";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { buildHorizontalPodAutoscaler, buildScaledObject, type AutoscalerSettings } from "./autoscaling.ts";

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
