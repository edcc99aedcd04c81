import assert from "node:assert/strict";
import { test } from "node:test";
import { computeStatus, setCondition } from "./status.ts";

const t0 = new Date("2026-01-01T00:00:00.000Z");
const t1 = new Date("2026-01-01T00:05:00.000Z");

test("without a Deployment both conditions are Unknown/DeploymentNotFound and nothing is ready", () => {
  const status = computeStatus({
    previous: undefined,
    executor: "containerd-shim-spin",
    deployment: undefined,
    service: undefined,
    now: t0,
  });
  assert.deepEqual(status, {
    activeScheduler: "containerd-shim-spin",
    readyReplicas: 0,
    conditions: [
      {
        type: "Available",
        status: "Unknown",
        reason: "DeploymentNotFound",
        message: "Deployment not found",
        lastTransitionTime: "2026-01-01T00:00:00Z",
      },
      {
        type: "Progressing",
        status: "Unknown",
        reason: "DeploymentNotFound",
        message: "Deployment not found",
        lastTransitionTime: "2026-01-01T00:00:00Z",
      },
    ],
  });
});

test("the reference's worked example: conditions, ready replicas and names copied from the Deployment", () => {
  const deployment = {
    metadata: { name: "simple-spinapp" },
    status: {
      readyReplicas: 1,
      conditions: [
        { type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: "ok" },
        { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: "done" },
        { type: "ReplicaFailure", status: "False", reason: "x", message: "not copied" },
      ],
    },
  };
  const status = computeStatus({
    previous: undefined,
    executor: "containerd-shim-spin",
    deployment,
    service: { metadata: { name: "simple-spinapp" } },
    now: t0,
  });
  assert.equal(status.deploymentName, "simple-spinapp");
  assert.equal(status.serviceName, "simple-spinapp");
  assert.equal(status.readyReplicas, 1);
  assert.deepEqual(
    status.conditions?.map((c) => [c.type, c.status, c.reason]),
    [
      ["Available", "True", "MinimumReplicasAvailable"],
      ["Progressing", "True", "NewReplicaSetAvailable"],
    ],
  );
});

test("the selector is the Deployment's matchLabels, sorted by key, for the scale subresource's labelSelectorPath", () => {
  const deployment = {
    metadata: { name: "simple-spinapp" },
    spec: {
      selector: {
        matchLabels: {
          "core.spinkube.dev/app.simple-spinapp.status": "ready",
          "core.spinkube.dev/app-name": "simple-spinapp",
        },
      },
    },
  };
  const status = computeStatus({
    previous: undefined,
    executor: "containerd-shim-spin",
    deployment,
    service: undefined,
    now: t0,
  });
  assert.equal(
    status.selector,
    "core.spinkube.dev/app-name=simple-spinapp,core.spinkube.dev/app.simple-spinapp.status=ready",
  );
});

test("drops the selector once there is no Deployment for it to select", () => {
  const status = computeStatus({
    previous: { activeScheduler: "containerd-shim-spin", readyReplicas: 1, conditions: [], selector: "a=b" },
    executor: "containerd-shim-spin",
    deployment: undefined,
    service: undefined,
    now: t0,
  });
  assert.equal(status.selector, undefined);
});

test("lastTransitionTime moves only when a condition's status changes", () => {
  const first = setCondition([], { type: "Accepted", status: "True", reason: "A", message: "" }, t0);
  const same = setCondition(first, { type: "Accepted", status: "True", reason: "B", message: "m" }, t1);
  assert.equal(same[0]?.lastTransitionTime, "2026-01-01T00:00:00Z");
  assert.equal(same[0]?.reason, "B");
  const flipped = setCondition(same, { type: "Accepted", status: "False", reason: "C", message: "" }, t1);
  assert.equal(flipped[0]?.lastTransitionTime, "2026-01-01T00:05:00Z");
  assert.equal(flipped.length, 1);
});
