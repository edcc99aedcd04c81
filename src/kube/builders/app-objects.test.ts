import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { parseSpinApp, parseSpinAppExecutor } from "../model/parse.ts";
import type { SpinApp, SpinAppExecutor } from "../model/types.ts";
import { buildAppObjects } from "./app-objects.ts";
import { buildDeployment } from "./deployment.ts";
import { buildAllFromYaml } from "./golden.ts";

const GOLDEN = new URL("../../../test/golden/kube/builders/", import.meta.url);

function readDocs(name: string): unknown[] {
  return parseAllDocuments(readFileSync(new URL(name, GOLDEN), "utf8")).map((d) => d.toJS() as unknown);
}

/** Checks each object against the Kubernetes OpenAPI schema (kubernetes-models' validators). */
function validateAll(objects: readonly object[]): void {
  const models: Readonly<Record<string, new (data: never) => { validate(): void }>> = {
    Secret,
    Deployment,
    Service,
    HorizontalPodAutoscaler,
  };
  for (const object of objects) {
    const kind = (object as { kind: string }).kind;
    const Model = models[kind] ?? assert.fail(`no schema for ${kind}`);
    assert.doesNotThrow(() => new Model(structuredClone(object) as never).validate(), kind);
  }
}

function goldenCase(name: string): void {
  const built = buildAllFromYaml(readFileSync(new URL(`${name}.input.yaml`, GOLDEN), "utf8"), {
    hasHttpTriggers: true,
  });
  assert.deepEqual(JSON.parse(JSON.stringify(built)), readDocs(`${name}.expected.yaml`));
  validateAll(built);
}

test("the worked example builds the reference's Secret simple-spinapp-760b133c, Deployment and Service", () => {
  goldenCase("simple-spinapp");
});

test("the seed's legacy SpinApps build with the legacy keyspace, tolerations and an HPA", () => {
  goldenCase("seed");
});

const shim: SpinAppExecutor = parseSpinAppExecutor({
  apiVersion: "core.spinkube.dev/v1alpha1",
  kind: "SpinAppExecutor",
  metadata: { name: "otel-shim-executor" },
  spec: {
    createDeployment: true,
    deploymentConfig: {
      runtimeClassName: "wasmtime-spin-v2",
      otel: { exporter_otlp_endpoint: "http://otel:4318", exporter_otlp_logs_endpoint: "http://logs:4318" },
    },
  },
});

function app(spec: Record<string, unknown>): SpinApp {
  return parseSpinApp({
    apiVersion: "core.spinkube.dev/v1alpha1",
    kind: "SpinApp",
    metadata: { name: "my-app", namespace: "default", uid: "u-1" },
    // JSON drops the keys a case sets to undefined, as a YAML document would leave them out.
    spec: JSON.parse(
      JSON.stringify({
        image: "fakereg.dev/noapp:latest",
        executor: "otel-shim-executor",
        replicas: 1,
        ...spec,
      }),
    ) as unknown,
  });
}

test("env vars come in SpinKube's order: variables, listen address, OTEL, memory cap, components", () => {
  const deployment = buildDeployment({
    app: app({
      variables: [
        { name: "simple_secret", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
        { name: "simple_secret_with_numb3rs", value: "v" },
        { name: "ns", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
      ],
      invocationLimits: { memory: "40M" },
      components: ["hello", "world"],
    }),
    executor: shim,
  });
  const container = deployment.spec.template.spec.containers[0] ?? assert.fail();
  assert.deepEqual(container.env, [
    { name: "SPIN_VARIABLE_SIMPLE_SECRET", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
    { name: "SPIN_VARIABLE_SIMPLE_SECRET_WITH_NUMB3RS", value: "v" },
    { name: "SPIN_VARIABLE_NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    { name: "SPIN_HTTP_LISTEN_ADDR", value: "0.0.0.0:80" },
    { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: "http://otel:4318" },
    { name: "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", value: "http://logs:4318" },
    { name: "SPIN_MAX_INSTANCE_MEMORY", value: "40000000" },
    { name: "SPIN_COMPONENTS_TO_RETAIN", value: "hello,world" },
  ]);
  validateAll([deployment]);
});

test("probes come only from checks, on port 80 with the CRD defaults filled in", () => {
  const none = buildDeployment({ app: app({}), executor: shim }).spec.template.spec.containers[0];
  assert.equal(none?.livenessProbe, undefined);
  assert.equal(none?.readinessProbe, undefined);
  const checked = app({
    checks: {
      liveness: { httpGet: { path: "/hello" } },
      readiness: {
        httpGet: { path: "/var", httpHeaders: [{ name: "h", value: "v" }] },
        initialDelaySeconds: 1,
        timeoutSeconds: 2,
        periodSeconds: 3,
        successThreshold: 4,
        failureThreshold: 5,
      },
    },
  });
  const container = buildDeployment({ app: checked, executor: shim }).spec.template.spec.containers[0];
  assert.deepEqual(container?.livenessProbe, {
    httpGet: { path: "/hello", port: 80 },
    initialDelaySeconds: 10,
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  });
  assert.deepEqual(container?.readinessProbe, {
    httpGet: { path: "/var", port: 80, httpHeaders: [{ name: "h", value: "v" }] },
    initialDelaySeconds: 1,
    timeoutSeconds: 2,
    periodSeconds: 3,
    successThreshold: 4,
    failureThreshold: 5,
  });
  assert.throws(
    () => buildDeployment({ app: app({ checks: { liveness: {} } }), executor: shim }),
    /probe exists but with unknown configuration, expected httpGet/,
  );
});

test("a spinImage executor runs the Spin CLI image with SpinKube's arguments", () => {
  const spintainer = parseSpinAppExecutor({
    apiVersion: "core.spinkube.dev/v1alpha1",
    kind: "SpinAppExecutor",
    metadata: { name: "spintainer" },
    spec: { createDeployment: true, deploymentConfig: { spinImage: "ghcr.io/fermyon/spin:v2.7.0" } },
  });
  const deployment = buildDeployment({
    app: app({ components: ["hello"] }),
    executor: spintainer,
    runtimeConfigSecret: "x",
  });
  const spec = deployment.spec.template.spec;
  assert.equal("runtimeClassName" in spec, false);
  const container = spec.containers[0] ?? assert.fail();
  assert.equal(container.image, "ghcr.io/fermyon/spin:v2.7.0");
  assert.equal("command" in container, false);
  assert.deepEqual("args" in container && container.args, [
    "up",
    "--listen",
    "0.0.0.0:80",
    "-f",
    "fakereg.dev/noapp:latest",
    "--runtime-config-file",
    "/runtime-config.toml",
    "--component-id",
    "hello",
  ]);
});

test("user labels, annotations, volumes and service account are placed as SpinKube places them", () => {
  const built = buildDeployment({
    app: app({
      podLabels: { team: "a", "core.spinkube.dev/app-name": "spoofed" },
      podAnnotations: { p: "1" },
      deploymentAnnotations: { d: "2" },
      serviceAccountName: "runner",
      imagePullSecrets: [{ name: "pull" }],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "pvc" } }],
      volumeMounts: [{ name: "data", mountPath: "/data" }],
      resources: { limits: { memory: "128Mi" }, requests: { cpu: "100m" } },
    }),
    executor: shim,
    runtimeConfigSecret: "my-app-1",
    caSecret: "my-ca",
  });
  assert.deepEqual(built.metadata.annotations, { d: "2" });
  const template = built.spec.template;
  assert.deepEqual(template.metadata.labels, {
    team: "a",
    "core.spinkube.dev/app-name": "my-app",
    "core.spinkube.dev/app.my-app.status": "ready",
  });
  assert.deepEqual(template.metadata.annotations, { p: "1" });
  assert.equal(template.spec.serviceAccountName, "runner");
  assert.deepEqual(template.spec.imagePullSecrets, [{ name: "pull" }]);
  assert.deepEqual(
    template.spec.volumes?.map((v) => v["name"]),
    ["spin-runtime-config", "data", "spin-ca"],
  );
  const container = template.spec.containers[0] ?? assert.fail();
  assert.deepEqual(
    container.volumeMounts?.map((m) => m["mountPath"]),
    ["/runtime-config.toml", "/data", "/etc/ssl/certs/ca-certificates.crt"],
  );
  assert.deepEqual(container.resources, { limits: { memory: "128Mi" }, requests: { cpu: "100m" } });
  validateAll([built]);
});

test("the Service exists only for apps with HTTP triggers; a non-deploying executor gets only that", () => {
  const plain = app({});
  assert.equal(buildAppObjects(plain, shim, { hasHttpTriggers: false }).service, undefined);
  const external = { ...shim, spec: { createDeployment: false } };
  const objects = buildAppObjects(plain, external, { hasHttpTriggers: true });
  assert.deepEqual(Object.keys(objects), ["service"]);
  assert.deepEqual(objects.service?.spec.selector, { "core.spinkube.dev/app.my-app.status": "ready" });
});

test("loadFromSecret mounts the user's Secret and generates none", () => {
  const objects = buildAppObjects(app({ runtimeConfig: { loadFromSecret: "mine" } }), shim, {
    hasHttpTriggers: true,
  });
  assert.equal(objects.runtimeConfigSecret, undefined);
  const volume = objects.deployment?.spec.template.spec.volumes?.[0];
  assert.deepEqual(volume?.["secret"], {
    secretName: "mine",
    optional: true,
    items: [{ key: "runtime-config.toml", path: "runtime-config.toml" }],
  });
});

test("autoscaling leaves replicas to the HPA, which targets the Deployment", () => {
  const scaled = app({ replicas: undefined, enableAutoscaling: true, resources: { limits: { cpu: "1" } } });
  const objects = buildAppObjects(scaled, shim, {
    hasHttpTriggers: true,
    autoscaling: { minReplicas: 2, maxReplicas: 6, targetUtilization: 50 },
  });
  assert.equal(objects.deployment !== undefined && "replicas" in objects.deployment.spec, false);
  assert.deepEqual(objects.autoscaler?.spec, {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "my-app" },
    minReplicas: 2,
    maxReplicas: 6,
    metrics: [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
      },
    ],
  });
  validateAll([objects.autoscaler ?? assert.fail()]);
});
