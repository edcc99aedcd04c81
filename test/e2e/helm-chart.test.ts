// The Helm chart charts/spindle-operator, rendered by the real helm (scripts/setup.sh installs it): it
// lints, its defaults render the objects of deploy/ (so the two cannot drift), each values switch has its
// effect, every rendered object passes the Kubernetes OpenAPI schema (kubernetes-models), and values the
// schema rejects fail with a message naming the field. No cluster is involved.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { assertValidObject } from "../support/kube-schemas.ts";
import { runKubeTool } from "../support/kube-tools.ts";

const ROOT = new URL("../../", import.meta.url);
const CHART = fileURLToPath(new URL("charts/spindle-operator", ROOT));
const RELEASE = "spindle-operator";
const NAMESPACE = "spindle-system";

type Doc = Record<string, unknown> & {
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: unknown };
};
type Values = Record<string, unknown>;

const parseDocs = (text: string): Doc[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null);

/** `helm template` of the chart with `values` (as a values file, as a user writes them). */
async function render(values: Values = {}, extra: readonly string[] = []): Promise<Doc[]> {
  const result = await template(values, extra);
  assert.equal(result.code, 0, result.stderr);
  const docs = parseDocs(result.stdout);
  for (const doc of docs) validate(doc);
  return docs;
}

async function template(values: Values, extra: readonly string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "spindle-helm-"));
  try {
    const file = join(dir, "values.yaml");
    writeFileSync(file, JSON.stringify(values));
    return await runKubeTool("helm", ["template", RELEASE, CHART, "-n", NAMESPACE, "-f", file, ...extra]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Kubernetes kinds against their OpenAPI schema, SpinAppExecutors against Spindle's admission rules. */
function validate(doc: Doc) {
  assertValidObject(doc, `${doc.kind} ${doc.metadata.name}`);
}

const find = (docs: Doc[], kind: string, name?: string): Doc | undefined =>
  docs.find((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
const kinds = (docs: Doc[]) => new Set(docs.map((d) => d.kind));

interface Container {
  image: string;
  imagePullPolicy?: string;
  args: string[];
  ports?: { name: string; containerPort: number }[];
  resources?: unknown;
  volumeMounts?: unknown[];
}
interface PodSpec {
  serviceAccountName: string;
  containers: Container[];
  imagePullSecrets?: unknown;
  nodeSelector?: unknown;
  tolerations?: unknown;
  volumes?: { secret: { secretName: string } }[];
}
function operatorPod(docs: Doc[]): {
  replicas: number;
  annotations: unknown;
  pod: PodSpec;
  container: Container;
} {
  const spec = find(docs, "Deployment")?.["spec"] as {
    replicas: number;
    template: { metadata: { annotations?: unknown }; spec: PodSpec };
  };
  const container = spec.template.spec.containers[0] ?? assert.fail("no container");
  return {
    replicas: spec.replicas,
    annotations: spec.template.metadata.annotations,
    pod: spec.template.spec,
    container,
  };
}

/** Labels only the chart sets (which release, which chart version); deploy/ has just app.kubernetes.io/name. */
const CHART_LABELS = new Set([
  "helm.sh/chart",
  "app.kubernetes.io/instance",
  "app.kubernetes.io/version",
  "app.kubernetes.io/managed-by",
]);
function withoutChartLabels(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutChartLabels);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !CHART_LABELS.has(k))
      .map(([k, v]) => [k, withoutChartLabels(v)]),
  );
}
/** An object as compared: kind, namespace and name as its key; everything but its own labels as its value. */
function comparable(doc: Doc): [string, unknown] {
  const metadata = { ...doc.metadata };
  delete metadata.labels;
  const namespace = metadata.namespace ?? "";
  return [`${doc.kind} ${namespace}/${metadata.name}`, withoutChartLabels({ ...doc, metadata })];
}

function deployDocs(): Doc[] {
  const files = [
    ...readdirSync(new URL("deploy/crds/", ROOT)).map((f) => `deploy/crds/${f}`),
    ...readdirSync(new URL("deploy/operator/", ROOT)).map((f) => `deploy/operator/${f}`),
    "deploy/runtimeclass.yaml",
  ];
  return files
    .flatMap((f) => parseDocs(readFileSync(new URL(f, ROOT), "utf8")))
    .filter((d) => d.kind !== "Namespace")
    .map((d) =>
      d.kind === "SpinAppExecutor" && d.metadata.namespace === undefined
        ? { ...d, metadata: { ...d.metadata, namespace: "default" } }
        : d,
    );
}

test("helm lint passes", async () => {
  const result = await runKubeTool("helm", ["lint", "--strict", CHART]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

// deploy/ makes the namespace itself (the chart leaves it to `helm install --create-namespace`), and its
// executors carry no namespace, so `kubectl apply` puts them in the context's: `default`, the chart's.
test("the default values render what deploy/ holds", async () => {
  const chart = new Map((await render({}, ["--include-crds"])).map(comparable));
  const deploy = new Map(deployDocs().map(comparable));
  assert.deepEqual([...chart.keys()].sort(), [...deploy.keys()].sort());
  for (const [key, object] of deploy) assert.deepEqual(chart.get(key), object, key);
});

test("every rendered object carries the chart's labels", async () => {
  for (const doc of await render()) {
    const labels = doc.metadata.labels ?? {};
    assert.equal(labels["app.kubernetes.io/name"], "spindle-operator", doc.kind);
    assert.equal(labels["app.kubernetes.io/instance"], RELEASE, doc.kind);
    assert.equal(labels["app.kubernetes.io/managed-by"], "Helm", doc.kind);
  }
});

test("webhook.enabled=false drops the webhooks, their Service and certificate, and the flag", async () => {
  const docs = await render({ webhook: { enabled: false } });
  for (const kind of [
    "Service",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "Issuer",
  ]) {
    assert.ok(!kinds(docs).has(kind), kind);
  }
  assert.ok(!kinds(docs).has("Certificate"));
  const { pod, container } = operatorPod(docs);
  assert.ok(!container.args.includes("--enable-webhooks"));
  assert.ok(!container.args.some((a) => a.startsWith("--webhook-bind-address")));
  assert.deepEqual(
    container.ports?.map((p) => p.name),
    ["metrics"],
  );
  assert.equal(pod.volumes, undefined);
});

test("without cert-manager the webhooks carry webhook.caBundle and the pod mounts the given Secret", async () => {
  const caBundle = Buffer.from("-----BEGIN CERTIFICATE-----\n").toString("base64");
  const docs = await render({
    webhook: { certManager: { enabled: false }, caBundle, certSecretName: "my-webhook-tls" },
  });
  assert.ok(!kinds(docs).has("Issuer") && !kinds(docs).has("Certificate"));
  for (const kind of ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]) {
    const doc = find(docs, kind) ?? assert.fail(kind);
    assert.equal(doc.metadata.annotations, undefined);
    const hooks = doc["webhooks"] as { clientConfig: { caBundle: string } }[];
    assert.deepEqual(
      hooks.map((h) => h.clientConfig.caBundle),
      [caBundle, caBundle],
    );
  }
  assert.equal(operatorPod(docs).pod.volumes?.[0]?.secret.secretName, "my-webhook-tls");
});

test("without cert-manager and without a caBundle, helm template fails saying what to set", async () => {
  const result = await template({ webhook: { certManager: { enabled: false } } });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /webhook\.caBundle is required when webhook\.certManager\.enabled is false/);
});

test("installRuntimeClasses and installExecutors turn off the RuntimeClasses and SpinAppExecutors", async () => {
  const docs = await render({ installRuntimeClasses: false, installExecutors: false });
  assert.ok(!kinds(docs).has("RuntimeClass"));
  assert.ok(!kinds(docs).has("SpinAppExecutor"));
  assert.ok(kinds(docs).has("Deployment"));
});

test("image, pull secrets, resources, scheduling and replicas reach the operator's pod", async () => {
  const resources = { limits: { cpu: "1", memory: "512Mi" }, requests: { cpu: "100m", memory: "128Mi" } };
  const tolerations = [{ key: "dedicated", operator: "Equal", value: "ops", effect: "NoSchedule" }];
  const docs = await render({
    image: { repository: "registry.example.com/spindle", tag: "1.2.3", pullPolicy: "Always" },
    imagePullSecrets: [{ name: "regcred" }],
    replicaCount: 1,
    leaderElection: { enabled: false },
    resources,
    nodeSelector: { "kubernetes.io/os": "linux" },
    tolerations,
    podAnnotations: { "example.com/team": "ops" },
    metrics: { port: 0 },
    executorNamespaces: ["apps", "staging"],
  });
  const { replicas, annotations, pod, container } = operatorPod(docs);
  assert.equal(replicas, 1);
  assert.equal(container.image, "registry.example.com/spindle:1.2.3");
  assert.equal(container.imagePullPolicy, "Always");
  assert.deepEqual(pod.imagePullSecrets, [{ name: "regcred" }]);
  assert.deepEqual(container.resources, resources);
  assert.deepEqual(pod.nodeSelector, { "kubernetes.io/os": "linux" });
  assert.deepEqual(pod.tolerations, tolerations);
  assert.deepEqual(annotations, { "example.com/team": "ops" });
  assert.ok(!container.args.includes("--leader-elect"));
  assert.ok(container.args.includes("--metrics-bind-address=0"));
  assert.deepEqual(
    container.ports?.map((p) => p.name),
    ["webhook"],
  );
  assert.ok(
    !kinds(docs).has("Role") && !kinds(docs).has("RoleBinding"),
    "no Lease access without leader election",
  );
  const executors = docs.filter((d) => d.kind === "SpinAppExecutor");
  assert.deepEqual(executors.map((d) => `${d.metadata.namespace}/${d.metadata.name}`).sort(), [
    "apps/containerd-shim-spin",
    "apps/containerd-shim-spindle",
    "apps/spindle",
    "staging/containerd-shim-spin",
    "staging/containerd-shim-spindle",
    "staging/spindle",
  ]);
  const spinImage = find(executors, "SpinAppExecutor", "spindle")?.["spec"] as {
    deploymentConfig: { spinImage: string };
  };
  assert.equal(spinImage.deploymentConfig.spinImage, "registry.example.com/spindle:1.2.3");
});

test("the release name prefixes every name, and the webhooks, certificate and bindings agree", async () => {
  const result = await runKubeTool("helm", ["template", "demo", CHART, "-n", "ops"]);
  assert.equal(result.code, 0, result.stderr);
  const docs = parseDocs(result.stdout);
  const service = find(docs, "Service")?.metadata.name;
  assert.equal(service, "demo-spindle-operator-webhook-service");
  const certificate = find(docs, "Certificate") ?? assert.fail("no Certificate");
  assert.deepEqual((certificate["spec"] as { dnsNames: string[] }).dnsNames, [
    `${service}.ops.svc`,
    `${service}.ops.svc.cluster.local`,
  ]);
  const webhook = find(docs, "ValidatingWebhookConfiguration") ?? assert.fail("no webhooks");
  assert.deepEqual(webhook.metadata.annotations, {
    "cert-manager.io/inject-ca-from": `ops/${certificate.metadata.name}`,
  });
  const binding = find(docs, "ClusterRoleBinding")?.["subjects"];
  assert.deepEqual(binding, [{ kind: "ServiceAccount", name: "demo-spindle-operator", namespace: "ops" }]);
  assert.equal(operatorPod(docs).pod.serviceAccountName, "demo-spindle-operator");
});

test("serviceAccount.create=false uses the named account and makes none", async () => {
  const docs = await render({ serviceAccount: { create: false, name: "existing" } });
  assert.ok(!kinds(docs).has("ServiceAccount"));
  assert.equal(operatorPod(docs).pod.serviceAccountName, "existing");
});

test("values the schema rejects fail helm template, naming the field", async () => {
  const cases: [Values, RegExp][] = [
    [{ replicaCount: "x" }, /\/replicaCount.*got string, want integer/],
    [{ image: { pullPolicy: "Sometimes" } }, /\/image\/pullPolicy/],
    [{ replicas: 2 }, /additional properties 'replicas' not allowed/],
  ];
  for (const [values, message] of cases) {
    const result = await template(values);
    assert.notEqual(result.code, 0, JSON.stringify(values));
    assert.match(result.stderr, message);
  }
});
