import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { CRD_DIRECTORIES, formattedCrdFiles } from "../../../scripts/generate-crds.ts";
import { spinAppCrd, spinAppExecutorCrd } from "./crds.ts";

const ROOT = new URL("../../../", import.meta.url);

test("deploy/crds/ and the chart's crds/ are what scripts/generate-crds.ts writes (run it after changing the schema)", async () => {
  const files = await formattedCrdFiles();
  assert.deepEqual(Object.keys(files).sort(), [
    "core.spinkube.dev_spinappexecutors.yaml",
    "core.spinkube.dev_spinapps.yaml",
  ]);
  assert.deepEqual(CRD_DIRECTORIES, ["deploy/crds", "charts/spindle-operator/crds"]);
  for (const directory of CRD_DIRECTORIES) {
    for (const [name, text] of Object.entries(files)) {
      const path = join(directory, name);
      assert.equal(readFileSync(new URL(path, ROOT), "utf8"), text, `${path} is out of date`);
    }
  }
});

test("both CRDs are valid CustomResourceDefinitions", () => {
  for (const crd of [spinAppCrd(), spinAppExecutorCrd()]) {
    assert.doesNotThrow(() => new CustomResourceDefinition(structuredClone(crd) as never).validate());
  }
});

test("SpinApp has SpinKube's names, printer columns, and status and scale subresources", () => {
  const { spec } = spinAppCrd();
  assert.equal(spec.scope, "Namespaced");
  assert.deepEqual(spec.names, {
    kind: "SpinApp",
    listKind: "SpinAppList",
    plural: "spinapps",
    singular: "spinapp",
  });
  const version = spec.versions[0] ?? assert.fail();
  assert.deepEqual(
    (version.additionalPrinterColumns ?? []).map((c) => [c.name, c.jsonPath, c.priority ?? 0]),
    [
      ["Ready", ".status.readyReplicas", 0],
      ["Desired", ".spec.replicas", 0],
      ["Executor", ".spec.executor", 0],
      ["Deployment", ".status.deploymentName", 1],
      ["Service", ".status.serviceName", 1],
    ],
  );
  assert.deepEqual(version.subresources, {
    status: {},
    scale: {
      specReplicasPath: ".spec.replicas",
      statusReplicasPath: ".status.readyReplicas",
      labelSelectorPath: ".status.selector",
    },
  });
  assert.deepEqual(version.schema.openAPIV3Schema.properties?.["spec"]?.required, ["executor", "image"]);
});

test("SpinAppExecutor requires createDeployment and has only the status subresource", () => {
  const version = spinAppExecutorCrd().spec.versions[0] ?? assert.fail();
  assert.deepEqual(version.schema.openAPIV3Schema.properties?.["spec"]?.required, ["createDeployment"]);
  assert.deepEqual(version.subresources, { status: {} });
  assert.equal("additionalPrinterColumns" in version, false);
});
