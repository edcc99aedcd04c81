// End to end with the real kubectl (scripts/setup.sh installs it): kubectl applies deploy/'s CRDs and
// executors and a SpinApp to the FAKE API server (test/support/fake-kube.ts, over TLS: kubectl sends its
// token only so), the operator reconciles the app, `kubectl get` prints the CRD's printer columns, a field
// the CRD does not declare is refused, `kubectl patch` (merge and JSON patches) and `kubectl scale` change
// the replicas the operator gives the Deployment, and `kubectl delete` removes the app and, by the fake's
// garbage collector, everything the operator made for it.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments, stringify } from "yaml";
import type { KubeClient } from "../../src/kube/client/client.ts";
import { DEPLOYMENTS, spinApps } from "../../src/kube/client/resources.ts";
import { CURRENT_GROUP } from "../../src/kube/model/types.ts";
import { pushApp } from "../../src/oci/registry-app.ts";
import { makeApp } from "../support/apps.ts";
import { startFakeKube, type FakeKube } from "../support/fake-kube.ts";
import { clientFor, eventually, startOperator } from "../support/kube.ts";
import { runKubeTool } from "../support/kube-tools.ts";
import { registryUnavailable, startRegistry } from "../support/registry.ts";
import { suiteScope } from "../support/scope.ts";

const ROOT = new URL("../../", import.meta.url);
const path = (relative: string) => fileURLToPath(new URL(relative, ROOT));
const APPS = spinApps(CURRENT_GROUP);
/** The smallest valid Wasm module: the operator reads the locked app, never the Wasm. */
const WASM = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
const MANIFEST = `spin_manifest_version = 2
[application]
name = "simple"
[[trigger.http]]
route = "/..."
component = "simple"
[component.simple]
source = "app.wasm"
`;

/** The SpinApp of the reference's worked example (test/golden), pointed at an image the registry holds. */
function goldenSpinApp(image: string): Record<string, unknown> & { spec: Record<string, unknown> } {
  const text = readFileSync(path("test/golden/kube/builders/simple-spinapp.input.yaml"), "utf8");
  const app = parseAllDocuments(text)
    .map(
      (d) => d.toJS() as { kind: string; metadata: Record<string, unknown>; spec: Record<string, unknown> },
    )
    .find((d) => d.kind === "SpinApp");
  if (app === undefined) assert.fail("no SpinApp in the golden input");
  const metadata = { ...app.metadata };
  delete metadata["uid"];
  return { ...app, metadata, spec: { ...app.spec, image } };
}

/** `kubectl get`'s table as rows of cells (columns are separated by two or more spaces; empty cells vanish). */
const rows = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .map((line) => line.trim().split(/\s{2,}/));

describe("kubectl against the fake API server", { skip: registryUnavailable() ?? false }, () => {
  const scope = suiteScope();
  let fake: FakeKube;
  let client: KubeClient;
  let dir: string;
  let image: string;
  const kubectl = (...args: string[]) =>
    runKubeTool("kubectl", ["--kubeconfig", fake.kubeconfig, "--cache-dir", join(dir, "cache"), ...args]);
  const writeApp = (name: string, app: object) => {
    const file = join(dir, name);
    writeFileSync(file, stringify(app));
    return file;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "spindle-kubectl-"));
    scope.after(() => rmSync(dir, { recursive: true, force: true }));
    const registry = await startRegistry(scope);
    const app = makeApp(scope, { manifest: MANIFEST, files: { "app.wasm": WASM } });
    image = `${registry.host}/apps/simple:v1`;
    await pushApp(image, join(app, "spin.toml"), { cacheDir: join(dir, "oci") });
    fake = await startFakeKube(scope, { tls: true });
    client = clientFor(scope, fake);
    startOperator(scope, fake);
  });

  // Two runs, as on a real cluster: kubectl maps every object to its resource before applying any, so the
  // executors' kind must be served (its CRD applied) first.
  it("applies deploy/'s CRDs, then its shim executors, server-side", async () => {
    const crds = await kubectl("apply", "--server-side", "-f", path("deploy/crds/"));
    assert.equal(crds.code, 0, crds.stderr);
    assert.deepEqual(crds.stdout.trim().split("\n").sort(), [
      "customresourcedefinition.apiextensions.k8s.io/spinappexecutors.core.spinkube.dev serverside-applied",
      "customresourcedefinition.apiextensions.k8s.io/spinapps.core.spinkube.dev serverside-applied",
    ]);
    const executors = await kubectl(
      "apply",
      "--server-side",
      "-f",
      path("deploy/operator/shim-executors.yaml"),
    );
    assert.equal(executors.code, 0, executors.stderr);
    assert.deepEqual(executors.stdout.trim().split("\n"), [
      "spinappexecutor.core.spinkube.dev/containerd-shim-spin serverside-applied",
      "spinappexecutor.core.spinkube.dev/containerd-shim-spindle serverside-applied",
    ]);
    const patches = fake.requests.filter((r) => r.method === "PATCH");
    assert.ok(patches.every((r) => r.contentType === "application/apply-patch+yaml"));
    assert.ok(patches.every((r) => r.query.get("fieldManager") === "kubectl"));
  });

  it("applies the golden SpinApp, which the operator reconciles into its Deployment", async () => {
    const result = await kubectl("apply", "--server-side", "-f", writeApp("app.yaml", goldenSpinApp(image)));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "spinapp.core.spinkube.dev/simple-spinapp serverside-applied");
    const deployment = await eventually(
      () => client.get(DEPLOYMENTS, "default", "simple-spinapp"),
      "the Deployment",
    );
    const metadata: Record<string, unknown> & { name: string } = { ...deployment.metadata };
    delete metadata["resourceVersion"];
    await client.updateStatus(DEPLOYMENTS, { ...deployment, metadata, status: { readyReplicas: 1 } });
    await eventually(async () => {
      const app = await client.get(APPS, "default", "simple-spinapp");
      return (app?.["status"] as { readyReplicas?: number } | undefined)?.readyReplicas === 1
        ? true
        : undefined;
    }, "readyReplicas 1");
  });

  it("gets SpinApps with the CRD's printer columns, the wide ones with -o wide", async () => {
    const table = await kubectl("get", "spinapps");
    assert.equal(table.code, 0, table.stderr);
    assert.deepEqual(rows(table.stdout), [
      ["NAME", "READY", "DESIRED", "EXECUTOR"],
      ["simple-spinapp", "1", "1", "containerd-shim-spin"],
    ]);
    const wide = await kubectl("get", "spinapp", "simple-spinapp", "-o", "wide");
    assert.deepEqual(rows(wide.stdout), [
      ["NAME", "READY", "DESIRED", "EXECUTOR", "DEPLOYMENT", "SERVICE"],
      ["simple-spinapp", "1", "1", "containerd-shim-spin", "simple-spinapp", "simple-spinapp"],
    ]);
    const scheduler = await kubectl(
      "get",
      "spinapp",
      "simple-spinapp",
      "-o",
      "jsonpath={.status.activeScheduler}",
    );
    assert.equal(scheduler.stdout, "containerd-shim-spin");
  });

  it("refuses a field the CRD does not declare, as strict field validation does", async () => {
    const app = goldenSpinApp(image);
    const result = await kubectl(
      "apply",
      "--server-side",
      "-f",
      writeApp("typo.yaml", { ...app, spec: { ...app.spec, replica: 2 } }),
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /strict decoding error: unknown field "spec\.replica"/);
  });

  const deploymentReplicas = (replicas: number) =>
    eventually(async () => {
      const deployment = await client.get(DEPLOYMENTS, "default", "simple-spinapp");
      return (deployment?.["spec"] as { replicas?: number } | undefined)?.replicas === replicas
        ? true
        : undefined;
    }, `the Deployment's replicas ${replicas}`);

  it("patches a SpinApp with a JSON merge patch, and the operator reconciles the Deployment", async () => {
    const result = await kubectl(
      "patch",
      "spinapp",
      "simple-spinapp",
      "--type",
      "merge",
      "-p",
      '{"spec":{"replicas":3}}',
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "spinapp.core.spinkube.dev/simple-spinapp patched");
    assert.ok(
      fake.requests.some((r) => r.method === "PATCH" && r.contentType === "application/merge-patch+json"),
    );
    await deploymentReplicas(3);
  });

  it("patches with a JSON patch, which fails as a whole when one of its tests fails", async () => {
    const failed = await kubectl(
      "patch",
      "spinapp",
      "simple-spinapp",
      "--type",
      "json",
      "-p",
      '[{"op":"replace","path":"/spec/replicas","value":5},{"op":"test","path":"/spec/replicas","value":3}]',
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /testing value \/spec\/replicas failed/);
    const result = await kubectl(
      "patch",
      "spinapp",
      "simple-spinapp",
      "--type",
      "json",
      "-p",
      '[{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":1}]',
    );
    assert.equal(result.code, 0, result.stderr);
    await deploymentReplicas(1);
  });

  it("refuses a strategic merge patch of a custom resource, as the API server does", async () => {
    const result = await kubectl("patch", "spinapp", "simple-spinapp", "-p", '{"spec":{"replicas":2}}');
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /application\/strategic-merge-patch\+json is not supported by core\.spinkube\.dev\/v1alpha1, Kind=SpinApp: the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml/,
    );
    const app = await client.get(APPS, "default", "simple-spinapp");
    assert.equal((app?.["spec"] as { replicas?: number }).replicas, 1);
  });

  it("scales a SpinApp through its scale subresource, which reports the ready replicas and the selector", async () => {
    const result = await kubectl("scale", "spinapp", "simple-spinapp", "--replicas=2");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "spinapp.core.spinkube.dev/simple-spinapp scaled");
    await deploymentReplicas(2);
    const deployment = await client.get(DEPLOYMENTS, "default", "simple-spinapp");
    if (deployment === undefined) assert.fail("the Deployment is gone");
    const metadata: Record<string, unknown> & { name: string } = { ...deployment.metadata };
    delete metadata["resourceVersion"];
    await client.updateStatus(DEPLOYMENTS, { ...deployment, metadata, status: { readyReplicas: 2 } });
    const scale = await eventually(async () => {
      const got = await kubectl("get", "spinapp", "simple-spinapp", "--subresource=scale", "-o", "json");
      assert.equal(got.code, 0, got.stderr);
      const parsed = JSON.parse(got.stdout) as { status: { replicas: number } };
      return parsed.status.replicas === 2 ? parsed : undefined;
    }, "the Scale's status.replicas 2");
    assert.deepEqual(
      { ...scale, metadata: undefined },
      {
        kind: "Scale",
        apiVersion: "autoscaling/v1",
        metadata: undefined,
        spec: { replicas: 2 },
        status: {
          replicas: 2,
          selector:
            "core.spinkube.dev/app-name=simple-spinapp,core.spinkube.dev/app.simple-spinapp.status=ready",
        },
      },
    );
  });

  it("deletes the SpinApp, and the garbage collector the Deployment, Service and Secret it owned", async () => {
    const app = await client.get(APPS, "default", "simple-spinapp");
    const uid = app?.metadata.uid ?? assert.fail("the SpinApp has no uid");
    const owned = () =>
      [
        "/apis/apps/v1/namespaces/default/deployments",
        "/api/v1/namespaces/default/services",
        "/api/v1/namespaces/default/secrets",
      ]
        .flatMap((collection) => fake.objects(collection))
        .filter((o) =>
          ((o.metadata["ownerReferences"] ?? []) as { uid: string }[]).some((r) => r.uid === uid),
        )
        .map((o) => `${String(o["kind"])}/${o.metadata.name}`)
        .sort();
    assert.deepEqual(owned(), [
      "Deployment/simple-spinapp",
      "Secret/simple-spinapp-760b133c",
      "Service/simple-spinapp",
    ]);
    const result = await kubectl("delete", "spinapp", "simple-spinapp");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^spinapp\.core\.spinkube\.dev "simple-spinapp" deleted/);
    assert.equal(await client.get(APPS, "default", "simple-spinapp"), undefined);
    assert.deepEqual(owned(), []);
    assert.equal(await client.get(DEPLOYMENTS, "default", "simple-spinapp"), undefined);
    const empty = await kubectl("get", "spinapps");
    assert.equal(empty.stderr.trim(), "No resources found in default namespace.");
  });
});
