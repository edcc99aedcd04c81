// End to end through the CLI: `spindle kube scaffold` output deployed with `spindle kube deploy`, and
// `spindle kube operator` run as a process, both against the FAKE API server of test/support/fake-kube.ts
// (no real one can run here) with the app in a real registry.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { request as httpsRequest } from "node:https";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeClient } from "../../src/kube/client/client.ts";
import { DEPLOYMENTS, spinAppExecutors, spinApps } from "../../src/kube/client/resources.ts";
import { CURRENT_GROUP } from "../../src/kube/model/types.ts";
import { pushApp } from "../../src/oci/registry-app.ts";
import { makeApp } from "../support/apps.ts";
import { BIN, runSpindle } from "../support/cli.ts";
import { startFakeKube, type FakeKube } from "../support/fake-kube.ts";
import { clientFor, eventually } from "../support/kube.ts";
import { registryUnavailable, startRegistry } from "../support/registry.ts";
import { suiteScope } from "../support/scope.ts";
import { selfSignedCert } from "../support/tls.ts";

/** POSTs an AdmissionReview over HTTPS, trusting `ca`, as the API server does. */
function postReview(
  url: string,
  ca: string,
  review: unknown,
): Promise<{ response: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: "POST", ca, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d: string) => (text += d));
        res.on("end", () => resolve(JSON.parse(text) as { response: Record<string, unknown> }));
      },
    );
    req.once("error", reject);
    req.end(JSON.stringify(review));
  });
}

const MANIFEST = `spin_manifest_version = 2
[application]
name = "hello"
[[trigger.http]]
route = "/..."
component = "hello"
[component.hello]
source = "app.wasm"
`;

describe("spindle kube deploy and spindle kube operator", { skip: registryUnavailable() ?? false }, () => {
  const scope = suiteScope();
  let fake: FakeKube;
  let client: KubeClient;
  let image: string;
  let dir: string;

  before(async () => {
    const registry = await startRegistry(scope);
    dir = mkdtempSync(join(tmpdir(), "spindle-kube-cli-"));
    scope.after(() => rmSync(dir, { recursive: true, force: true }));
    const app = makeApp(scope, {
      manifest: MANIFEST,
      files: { "app.wasm": Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0]) },
    });
    image = `${registry.host}/apps/hello:v1`;
    await pushApp(image, join(app, "spin.toml"), { cacheDir: join(dir, "cache") });
    fake = await startFakeKube(scope);
    client = clientFor(scope, fake);
  });

  it("deploys scaffold output by server-side apply, in the context's namespace", async () => {
    const out = join(dir, "app.yaml");
    const scaffold = await runSpindle(["kube", "scaffold", "-f", image, "-r", "1", "-o", out]);
    assert.equal(scaffold.code, 0, scaffold.stderr);
    const deployed = await runSpindle(["kube", "deploy", out, "--kubeconfig", fake.kubeconfig]);
    assert.equal(deployed.code, 0, deployed.stderr);
    assert.equal(deployed.stdout, "spinapp.core.spinkube.dev/hello serverside-applied\n");
    const stored = await client.get(spinApps(CURRENT_GROUP), "default", "hello");
    assert.deepEqual(stored?.["spec"], { image, executor: "containerd-shim-spin", replicas: 1 });
    const apply = fake.requests.find((r) => r.method === "PATCH");
    assert.equal(apply?.contentType, "application/apply-patch+yaml");
    assert.equal(apply?.query.get("fieldManager"), "spindle-operator");
  });

  it("refuses a manifest with an invalid SpinApp before sending anything", async () => {
    const before = fake.requests.length;
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      "apiVersion: core.spinkube.dev/v1alpha1\nkind: SpinApp\nmetadata: {name: x}\nspec: {image: 3}\n",
    );
    const result = await runSpindle(["kube", "deploy", bad, "--kubeconfig", fake.kubeconfig]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /spec\.image/);
    assert.equal(fake.requests.length, before);
  });

  it("runs the operator until SIGTERM, with leader election, health probes, metrics and the admission webhooks", async () => {
    const certDir = join(dir, "certs");
    selfSignedCert(certDir, "spindle-webhook");
    await client.apply(spinAppExecutors(CURRENT_GROUP), {
      apiVersion: `${CURRENT_GROUP}/v1alpha1`,
      kind: "SpinAppExecutor",
      metadata: { name: "containerd-shim-spin", namespace: "default" },
      spec: { createDeployment: true, deploymentConfig: { runtimeClassName: "wasmtime-spin-v2" } },
    });
    const child = spawn(
      process.execPath,
      [
        BIN,
        "kube",
        "operator",
        "--kubeconfig",
        fake.kubeconfig,
        "--metrics-bind-address",
        "127.0.0.1:0",
        "--health-probe-bind-address",
        "127.0.0.1:0",
        "--enable-webhooks",
        "--webhook-bind-address",
        "127.0.0.1:0",
        "--webhook-cert-dir",
        certDir,
        "--leader-elect",
      ],
      { env: { ...process.env, DOCKER_CONFIG: join(dir, "docker") }, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    scope.after(() => child.kill("SIGKILL"));
    const health = await eventually(
      () => /health probes on (http:\S+)\/healthz/.exec(stderr)?.[1],
      `the health line in:\n${stderr}`,
    );
    const metrics = await eventually(
      () => /metrics on (http:\S+)\/metrics/.exec(stderr)?.[1],
      "the metrics line",
    );
    await eventually(
      async () => ((await fetch(`${health}/readyz`)).status === 200 ? true : undefined),
      "readiness",
    );
    assert.equal(await (await fetch(`${health}/healthz`)).text(), "ok\n");
    await eventually(() => client.get(DEPLOYMENTS, "default", "hello"), "the Deployment");
    const success =
      /spindle_operator_reconcile_total\{controller="spinapp-reconciler",result="success"\} \d+/;
    await eventually(async () => {
      const text = await (await fetch(`${metrics}/metrics`)).text();
      return success.test(text) ? true : undefined;
    }, "a successful SpinApp reconcile in the metrics");
    const webhooks = await eventually(
      () => /admission webhooks on (https:\S+)/.exec(stderr)?.[1],
      "the webhook line",
    );
    const review = await postReview(
      `${webhooks}/validate-core-spinkube-dev-v1alpha1-spinapp`,
      readFileSync(join(certDir, "tls.crt"), "utf8"),
      {
        apiVersion: "admission.k8s.io/v1",
        kind: "AdmissionReview",
        request: {
          uid: "r-1",
          operation: "CREATE",
          namespace: "default",
          name: "bad",
          object: {
            apiVersion: `${CURRENT_GROUP}/v1alpha1`,
            kind: "SpinApp",
            metadata: { name: "bad" },
            spec: { image: image, executor: "missing", replicas: 1 },
          },
        },
      },
    );
    assert.deepEqual(review.response, {
      uid: "r-1",
      allowed: false,
      status: {
        code: 422,
        reason: "Invalid",
        message:
          'SpinApp.core.spinkube.dev "bad" is invalid: spec.executor: Invalid value: "missing": executor does not exist in namespace',
      },
    });
    const lease = "/apis/coordination.k8s.io/v1/namespaces/default/leases/spindle-operator-leader";
    const holder = () =>
      (fake.object(lease)?.["spec"] as { holderIdentity?: string } | undefined)?.holderIdentity;
    assert.match(holder() ?? "", /^.+_[0-9a-f-]{36}$/);
    assert.match(stderr, /leader election: became the leader \(Lease default\/spindle-operator-leader\)/);
    child.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    assert.equal(holder(), "", "the Lease is released on SIGTERM");
  });
});
