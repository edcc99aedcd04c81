// End to end: the operator against a FAKE API server (test/support/fake-kube.ts; no real one can run
// here) and a real registry holding the apps. A SpinApp applied as kubectl would becomes exactly the
// objects the pure builders describe; changes, missing variables, executors and stale Secrets follow.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KubeClient, KubeResource } from "../../src/kube/client/client.ts";
import {
  DEPLOYMENTS,
  EVENTS,
  HORIZONTAL_POD_AUTOSCALERS,
  SCALED_OBJECTS,
  SECRETS,
  SERVICE_ACCOUNTS,
  SERVICES,
  spinAppExecutors,
  spinApps,
} from "../../src/kube/client/resources.ts";
import { buildAppObjects } from "../../src/kube/builders/app-objects.ts";
import { parseSpinApp, parseSpinAppExecutor } from "../../src/kube/model/parse.ts";
import { CURRENT_GROUP } from "../../src/kube/model/types.ts";
import { pushApp } from "../../src/oci/registry-app.ts";
import { makeApp } from "../support/apps.ts";
import { startFakeKube, type FakeKube } from "../support/fake-kube.ts";
import { clientFor, eventually, startOperator } from "../support/kube.ts";
import { registryUnavailable, startRegistry } from "../support/registry.ts";
import { suiteScope } from "../support/scope.ts";

const APPS = spinApps(CURRENT_GROUP);
const EXECUTORS = spinAppExecutors(CURRENT_GROUP);
/** The smallest valid Wasm module: the operator reads the locked app, never the Wasm. */
const WASM = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);

const HTTP_APP = `spin_manifest_version = 2
[application]
name = "hello"
[variables]
greeting = { default = "hi" }
[[trigger.http]]
route = "/..."
component = "hello"
[component.hello]
source = "app.wasm"
`;

const WORKER_APP = `spin_manifest_version = 2
[application]
name = "worker"
[application.trigger.redis]
address = "redis://redis.default.svc:6379"
[[trigger.redis]]
channel = "jobs"
component = "worker"
[component.worker]
source = "app.wasm"
`;

const NEEDS_VARIABLE_APP = `spin_manifest_version = 2
[application]
name = "needs-key"
[variables]
api_key = { required = true }
[[trigger.http]]
route = "/..."
component = "needs"
[component.needs]
source = "app.wasm"
[component.needs.variables]
key = "{{ api_key }}"
`;

const executor = (name: string, namespace = "default") => ({
  apiVersion: `${CURRENT_GROUP}/v1alpha1`,
  kind: "SpinAppExecutor",
  metadata: { name, namespace },
  spec: {
    createDeployment: true,
    deploymentConfig: { runtimeClassName: "wasmtime-spin-v2", installDefaultCACerts: true },
  },
});

const spinApp = (name: string, image: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: `${CURRENT_GROUP}/v1alpha1`,
  kind: "SpinApp",
  metadata: { name, namespace: "default" },
  spec: { image, executor: "containerd-shim-spin", replicas: 1, ...spec },
});

/** The object without what the server adds (identity, versions, status). */
function asApplied(object: KubeResource | undefined): unknown {
  if (object === undefined) return undefined;
  const metadata: Record<string, unknown> = { ...object.metadata };
  for (const key of ["uid", "resourceVersion", "generation", "creationTimestamp"]) delete metadata[key];
  const copy: Record<string, unknown> = { ...object, metadata };
  delete copy["status"];
  return JSON.parse(JSON.stringify(copy));
}

/** Resolves once the fake has had no request for 150 ms: the operator is done with what it was given. */
async function quiet(fake: FakeKube): Promise<void> {
  let last = -1;
  await eventually(async () => {
    const now = fake.requests.length;
    const settled = now === last;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 150));
    return settled ? true : undefined;
  }, "no more requests");
}

describe("the operator", { skip: registryUnavailable() ?? false }, () => {
  const scope = suiteScope();
  let fake: FakeKube;
  let client: KubeClient;
  let images: { http: string; worker: string; needsKey: string };

  before(async () => {
    const registry = await startRegistry(scope);
    const cacheDir = mkdtempSync(join(tmpdir(), "spindle-operator-cache-"));
    scope.after(() => rmSync(cacheDir, { recursive: true, force: true }));
    const push = async (name: string, manifest: string) => {
      const dir = makeApp(scope, { manifest, files: { "app.wasm": WASM } });
      const reference = `${registry.host}/apps/${name}:v1`;
      await pushApp(reference, join(dir, "spin.toml"), { cacheDir });
      return reference;
    };
    images = {
      http: await push("hello", HTTP_APP),
      worker: await push("worker", WORKER_APP),
      needsKey: await push("needs-key", NEEDS_VARIABLE_APP),
    };
    fake = await startFakeKube(scope);
    client = clientFor(scope, fake);
    await client.apply(EXECUTORS, executor("containerd-shim-spin"));
    startOperator(scope, fake);
  });

  const deployment = (name: string) => client.get(DEPLOYMENTS, "default", name);
  const service = (name: string) => client.get(SERVICES, "default", name);
  const secretsOf = async (app: string) =>
    (await client.list(SECRETS, "default", { labelSelector: `${CURRENT_GROUP}/app-name=${app}` })).items;

  it("turns an applied SpinApp into exactly the builders' Secret, Deployment and Service, by server-side apply", async () => {
    await client.apply(APPS, spinApp("hello", images.http));
    const applied = await eventually(() => service("hello"), "the Service");
    const stored = await client.get(APPS, "default", "hello");
    const storedExecutor = await client.get(EXECUTORS, "default", "containerd-shim-spin");
    const expected = buildAppObjects(parseSpinApp(stored), parseSpinAppExecutor(storedExecutor), {
      hasHttpTriggers: true,
    });
    assert.deepEqual(asApplied(await deployment("hello")), JSON.parse(JSON.stringify(expected.deployment)));
    assert.deepEqual(asApplied(applied), JSON.parse(JSON.stringify(expected.service)));
    const secretName = expected.runtimeConfigSecret?.metadata.name ?? assert.fail("no Secret built");
    assert.deepEqual(
      asApplied(await client.get(SECRETS, "default", secretName)),
      JSON.parse(JSON.stringify(expected.runtimeConfigSecret)),
    );
    const ca = await client.get(SECRETS, "default", "spin-ca");
    assert.deepEqual(ca?.metadata.annotations, {
      "app.kubernetes.io/managed-by": "spin-operator.spinkube.dev",
    });
    assert.match(
      (ca?.["stringData"] as Record<string, string>)["ca-certificates.crt"] ?? "",
      /BEGIN CERTIFICATE/,
    );
    const applies = fake.requests.filter(
      (r) => r.method === "PATCH" && r.path.endsWith("/deployments/hello"),
    );
    assert.ok(applies.length > 0);
    for (const request of applies) {
      assert.equal(request.contentType, "application/apply-patch+yaml");
      assert.equal(request.query.get("fieldManager"), "spindle-operator");
      assert.equal(request.query.get("force"), "true");
    }
  });

  it("writes the status from the Deployment and Service, as SpinKube's updateStatus does", async () => {
    const current = await eventually(() => deployment("hello"), "the Deployment");
    // No resourceVersion: the operator may apply the Deployment again meanwhile, and this is not a race test.
    const metadata: Record<string, unknown> & { name: string } = { ...current.metadata };
    delete metadata["resourceVersion"];
    await client.updateStatus(DEPLOYMENTS, {
      ...current,
      metadata,
      status: {
        readyReplicas: 1,
        conditions: [
          {
            type: "Available",
            status: "True",
            reason: "MinimumReplicasAvailable",
            message: "has minimum availability",
          },
          {
            type: "Progressing",
            status: "True",
            reason: "NewReplicaSetAvailable",
            message: "has successfully progressed",
          },
        ],
      },
    });
    const status = await eventually(async () => {
      const app = await client.get(APPS, "default", "hello");
      const s = app?.["status"] as (Record<string, unknown> & { readyReplicas?: number }) | undefined;
      return s?.readyReplicas === 1 ? s : undefined;
    }, "readyReplicas 1");
    assert.equal(status["activeScheduler"], "containerd-shim-spin");
    assert.equal(status["deploymentName"], "hello");
    assert.equal(status["serviceName"], "hello");
    const conditions = status["conditions"] as { type: string; status: string; reason: string }[];
    assert.deepEqual(
      conditions.map((c) => [c.type, c.status, c.reason]).sort(),
      [
        ["Accepted", "True", "Reconciled"],
        ["Available", "True", "MinimumReplicasAvailable"],
        ["Progressing", "True", "NewReplicaSetAvailable"],
      ].sort(),
    );
  });

  it("updates the Deployment when replicas change", async () => {
    await client.apply(APPS, spinApp("hello", images.http, { replicas: 3 }));
    await eventually(async () => {
      const spec = (await deployment("hello"))?.["spec"] as { replicas?: number } | undefined;
      return spec?.replicas === 3 ? true : undefined;
    }, "replicas 3");
  });

  it("applies an HPA owned by an autoscaled app, a ScaledObject instead by annotation, and neither once autoscaling is off", async () => {
    const hpa = () => client.get(HORIZONTAL_POD_AUTOSCALERS, "default", "scaled-autoscaler");
    const scaledObject = () => client.get(SCALED_OBJECTS, "default", "scaled-autoscaler");
    const scaled = (annotations: Record<string, string>, spec: Record<string, unknown>) => {
      const app = spinApp("scaled", images.http, {
        replicas: undefined,
        resources: { limits: { cpu: "100m", memory: "128Mi" } },
        ...spec,
      });
      return { ...app, metadata: { ...app.metadata, annotations } };
    };
    await client.apply(APPS, scaled({}, { enableAutoscaling: true }));
    const applied = await eventually(hpa, "the HPA");
    const expected = buildAppObjects(
      parseSpinApp(await client.get(APPS, "default", "scaled")),
      parseSpinAppExecutor(await client.get(EXECUTORS, "default", "containerd-shim-spin")),
      { hasHttpTriggers: true },
    );
    assert.equal(expected.autoscaler?.kind, "HorizontalPodAutoscaler");
    assert.deepEqual(asApplied(applied), JSON.parse(JSON.stringify(expected.autoscaler)));
    const spec = (await eventually(deployment.bind(null, "scaled"), "the Deployment"))["spec"] as object;
    assert.equal("replicas" in spec, false);
    const applies = fake.requests.filter(
      (r) => r.method === "PATCH" && r.path.endsWith("/scaled-autoscaler"),
    );
    assert.ok(applies.every((r) => r.query.get("fieldManager") === "spindle-operator"));

    await client.apply(APPS, scaled({ "spindle.dev/autoscaler": "keda" }, { enableAutoscaling: true }));
    const keda = await eventually(scaledObject, "the ScaledObject");
    assert.deepEqual((keda["spec"] as { scaleTargetRef: unknown }).scaleTargetRef, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "scaled",
    });
    await eventually(async () => ((await hpa()) === undefined ? true : undefined), "the HPA's removal");

    await client.apply(APPS, scaled({ "spindle.dev/autoscaler": "keda" }, { replicas: 2 }));
    await eventually(
      async () => ((await scaledObject()) === undefined ? true : undefined),
      "the ScaledObject's removal",
    );
    await eventually(async () => {
      const replicas = ((await deployment("scaled"))?.["spec"] as { replicas?: number }).replicas;
      return replicas === 2 ? true : undefined;
    }, "replicas 2");
    assert.equal(await hpa(), undefined);
  });

  it("reads no autoscaler of an app known to have none, and still deletes its HPA once autoscaling is off", async () => {
    const autoscalerRequests = (on: FakeKube, app: string) =>
      on.requests.filter((r) => r.path.endsWith(`/${app}-autoscaler`)).length;
    const steady = (spec: Record<string, unknown>) =>
      client.apply(APPS, spinApp("steady", images.http, { replicas: undefined, ...spec }));
    const replicas = (count: number) =>
      eventually(async () => {
        const spec = (await deployment("steady"))?.["spec"] as { replicas?: number } | undefined;
        return spec?.replicas === count ? true : undefined;
      }, `replicas ${count}`);

    await steady({ replicas: 1 });
    await replicas(1);
    await quiet(fake);
    const first = autoscalerRequests(fake, "steady");
    await steady({ replicas: 2 });
    await replicas(2);
    await quiet(fake);
    assert.equal(autoscalerRequests(fake, "steady"), first);

    const hpa = () => client.get(HORIZONTAL_POD_AUTOSCALERS, "default", "steady-autoscaler");
    await steady({ enableAutoscaling: true });
    await eventually(hpa, "the HPA");
    await steady({ replicas: 3 });
    await eventually(async () => ((await hpa()) === undefined ? true : undefined), "the HPA's removal");
    await quiet(fake);
    const afterRemoval = autoscalerRequests(fake, "steady");
    await steady({ replicas: 4 });
    await replicas(4);
    await quiet(fake);
    assert.equal(autoscalerRequests(fake, "steady"), afterRemoval);
  });

  it("deletes the HPA an app owns when autoscaling was turned off before the operator started", async () => {
    const cluster = await startFakeKube(scope);
    const on = clientFor(scope, cluster);
    await on.apply(EXECUTORS, executor("containerd-shim-spin"));
    const app = await on.apply(APPS, spinApp("was-scaled", images.http));
    const uid = app.metadata.uid ?? assert.fail("the fake gave the SpinApp no uid");
    const owner = { apiVersion: app.apiVersion, kind: "SpinApp", name: "was-scaled", uid };
    await on.apply(HORIZONTAL_POD_AUTOSCALERS, {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "was-scaled-autoscaler", namespace: "default", ownerReferences: [owner] },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "was-scaled" },
        maxReplicas: 3,
      },
    });
    startOperator(scope, cluster);
    await eventually(async () => {
      const found = await on.get(HORIZONTAL_POD_AUTOSCALERS, "default", "was-scaled-autoscaler");
      return found === undefined ? true : undefined;
    }, "the HPA's removal");
  });

  it("leaves an autoscaler it does not own alone", async () => {
    const mine = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "worker-autoscaler", namespace: "default" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "worker" },
        maxReplicas: 3,
      },
    };
    await client.apply(HORIZONTAL_POD_AUTOSCALERS, mine);
    await client.apply(APPS, spinApp("worker", images.worker, { replicas: 2 }));
    await eventually(async () => {
      const app = await client.get(APPS, "default", "worker");
      return (app?.["status"] as { deploymentName?: string } | undefined)?.deploymentName;
    }, "the worker's status, written after its children");
    assert.ok(await client.get(HORIZONTAL_POD_AUTOSCALERS, "default", "worker-autoscaler"));
    await client.delete(HORIZONTAL_POD_AUTOSCALERS, "default", "worker-autoscaler");
  });

  it("reports a KEDA autoscaler on a cluster without KEDA in the Accepted condition", async () => {
    const bare = await startFakeKube(scope, { unservedGroups: ["keda.sh"] });
    const bareClient = clientFor(scope, bare);
    await bareClient.apply(EXECUTORS, executor("containerd-shim-spin"));
    startOperator(scope, bare);
    await bareClient.apply(APPS, spinApp("plain", images.http));
    const app = spinApp("scaled", images.http, { replicas: undefined, enableAutoscaling: true });
    await bareClient.apply(APPS, {
      ...app,
      metadata: { ...app.metadata, annotations: { "spindle.dev/autoscaler": "keda" } },
    });
    const condition = await eventually(async () => {
      const found = await bareClient.get(APPS, "default", "scaled");
      const conditions = (found?.["status"] as { conditions?: Record<string, string>[] } | undefined)
        ?.conditions;
      return conditions?.find((c) => c["type"] === "Accepted" && c["status"] === "False");
    }, "Accepted=False");
    assert.equal(condition["reason"], "InvalidSpec");
    assert.equal(
      condition["message"],
      "the cluster does not serve keda.sh/v1alpha1 ScaledObjects, so the app's autoscaler cannot be created; " +
        "Install KEDA, or set the annotation spindle.dev/autoscaler: hpa.",
    );
    await eventually(() => bareClient.get(SERVICES, "default", "plain"), "the plain app's Service");
    await bareClient.delete(APPS, "default", "scaled");
  });

  /** An HTTP app in a registry of its own that only `puller` may read, and that login's `auths`. */
  const privateImage = async () => {
    const registry = await startRegistry(scope, { users: { puller: "pull-pw" } });
    const auths = { [registry.host]: { auth: Buffer.from("puller:pull-pw").toString("base64") } };
    const dockerDir = mkdtempSync(join(tmpdir(), "spindle-operator-docker-"));
    scope.after(() => rmSync(dockerDir, { recursive: true, force: true }));
    writeFileSync(join(dockerDir, "config.json"), JSON.stringify({ auths }));
    const dir = makeApp(scope, { manifest: HTTP_APP, files: { "app.wasm": WASM } });
    const image = `${registry.host}/private/hello:v1`;
    await pushApp(image, join(dir, "spin.toml"), { cacheDir: dockerDir, env: { DOCKER_CONFIG: dockerDir } });
    return { image, auths };
  };
  const pullSecret = (name: string, auths: object) => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: "default" },
    type: "kubernetes.io/dockerconfigjson",
    data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths })).toString("base64") },
  });
  const rejection = (on: KubeClient, name: string) =>
    eventually(async () => {
      const app = await on.get(APPS, "default", name);
      const conditions = (app?.["status"] as { conditions?: Record<string, string>[] } | undefined)
        ?.conditions;
      return conditions?.find((c) => c["type"] === "Accepted" && c["status"] === "False");
    }, `Accepted=False for ${name}`);

  it("reads an image from a private registry with the login in the app's imagePullSecrets", async () => {
    const { image, auths } = await privateImage();
    await client.apply(SECRETS, pullSecret("regcred", auths));

    await client.apply(APPS, spinApp("private", image, { imagePullSecrets: [{ name: "regcred" }] }));
    // The Service exists only once the operator has read the app's triggers from the private image.
    await eventually(() => service("private"), "the private app's Service");
    const spec = (await deployment("private"))?.["spec"] as {
      template: { spec: { imagePullSecrets?: unknown } };
    };
    assert.deepEqual(spec.template.spec.imagePullSecrets, [{ name: "regcred" }]);

    await client.apply(APPS, spinApp("private-anonymous", image));
    const condition = await rejection(client, "private-anonymous");
    assert.equal(condition["reason"], "ImageUnreadable");
    assert.match(condition["message"] ?? "", /requires authentication/);
    await client.delete(APPS, "default", "private-anonymous");
  });

  it("reads an image with its ServiceAccount's imagePullSecrets when the app lists none, as pods get them", async () => {
    const { image, auths } = await privateImage();
    const cluster = await startFakeKube(scope);
    const on = clientFor(scope, cluster);
    await on.apply(EXECUTORS, executor("containerd-shim-spin"));
    const account = (name: string, secrets: string[]) => ({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name, namespace: "default" },
      imagePullSecrets: secrets.map((s) => ({ name: s })),
    });
    await on.apply(SECRETS, pullSecret("regcred", auths));
    await on.apply(SECRETS, pullSecret("elsewhere", { "elsewhere.example": { auth: "eDp5" } }));
    await on.apply(SECRETS, {
      ...pullSecret("garbled", auths),
      data: { ".dockerconfigjson": Buffer.from("{").toString("base64") },
    });
    await on.apply(SERVICE_ACCOUNTS, account("default", ["absent", "regcred"]));
    await on.apply(SERVICE_ACCOUNTS, account("runner", ["garbled"]));
    startOperator(scope, cluster);

    // The default ServiceAccount's: a listed Secret that does not exist is skipped, as the kubelet skips it.
    await on.apply(APPS, spinApp("by-default", image));
    await eventually(() => on.get(SERVICES, "default", "by-default"), "the Service of by-default");
    const spec = (await on.get(DEPLOYMENTS, "default", "by-default"))?.["spec"] as {
      template: { spec: { imagePullSecrets?: unknown; serviceAccountName?: string } };
    };
    assert.equal(spec.template.spec.imagePullSecrets, undefined);
    assert.equal(spec.template.spec.serviceAccountName, "default");

    // spec.serviceAccountName's, with a malformed Secret: the same failure as the app's own, naming both.
    await on.apply(APPS, spinApp("by-runner", image, { serviceAccountName: "runner" }));
    const malformed = await rejection(on, "by-runner");
    assert.equal(malformed["reason"], "InvalidSpec");
    assert.equal(
      malformed["message"],
      "Secret default/garbled (an imagePullSecret of ServiceAccount default/runner): .dockerconfigjson " +
        "is not a Docker registry config; Recreate it with kubectl create secret docker-registry garbled …",
    );
    const events = (await on.list(EVENTS, "default")).items;
    const event = events.find((e) => (e["involvedObject"] as { name?: string }).name === "by-runner");
    assert.equal(event?.["type"], "Warning");
    assert.equal(event?.["reason"], "InvalidSpec");

    // An app that lists its own pull Secrets gets none of the ServiceAccount's, as its pods would not.
    await on.apply(APPS, spinApp("own-only", image, { imagePullSecrets: [{ name: "elsewhere" }] }));
    const refused = await rejection(on, "own-only");
    assert.equal(refused["reason"], "ImageUnreadable");
    assert.match(refused["message"] ?? "", /requires authentication/);

    // A missing ServiceAccount lists nothing: a public image is read, a private one is refused, saying so.
    await on.apply(APPS, spinApp("ghost-public", images.http, { serviceAccountName: "ghost" }));
    await eventually(() => on.get(SERVICES, "default", "ghost-public"), "the Service of ghost-public");
    await on.apply(APPS, spinApp("ghost-private", image, { serviceAccountName: "ghost" }));
    const unread = await rejection(on, "ghost-private");
    assert.equal(unread["reason"], "ImageUnreadable");
    assert.match(
      unread["message"] ?? "",
      /requires authentication.*; ServiceAccount default\/ghost \(the pods' service account\) does not exist$/,
    );

    // An operator whose RBAC predates reading ServiceAccounts still reads public images, and says why a
    // private one may lack its login.
    cluster.forbid("serviceaccounts");
    await on.apply(APPS, spinApp("unreadable-public", images.http));
    await eventually(
      () => on.get(SERVICES, "default", "unreadable-public"),
      "the Service of unreadable-public",
    );
    await on.apply(APPS, spinApp("unreadable-private", image));
    const refused403 = await rejection(on, "unreadable-private");
    assert.equal(refused403["reason"], "ImageUnreadable");
    assert.match(
      refused403["message"] ?? "",
      /requires authentication.*; ServiceAccount default\/default \(the pods' service account\) may not be read by the operator: give it get on serviceaccounts/,
    );
    cluster.forbid(undefined);
  });

  it("makes no Service for an app without HTTP triggers", async () => {
    await client.apply(APPS, spinApp("worker", images.worker));
    await eventually(() => deployment("worker"), "the worker's Deployment");
    await eventually(async () => {
      const app = await client.get(APPS, "default", "worker");
      return (app?.["status"] as { deploymentName?: string } | undefined)?.deploymentName;
    }, "the worker's status");
    assert.equal(await service("worker"), undefined);
  });

  it("rejects an app whose required variable is not provided, in status and an Event, then accepts it once given", async () => {
    await client.apply(APPS, spinApp("needs-key", images.needsKey));
    const condition = await eventually(async () => {
      const app = await client.get(APPS, "default", "needs-key");
      const conditions = (app?.["status"] as { conditions?: Record<string, string>[] } | undefined)
        ?.conditions;
      return conditions?.find((c) => c["type"] === "Accepted");
    }, "the Accepted condition");
    assert.equal(condition["status"], "False");
    assert.equal(condition["reason"], "MissingVariables");
    assert.match(condition["message"] ?? "", /api_key/);
    const events = (
      await client.list({ group: "", version: "v1", plural: "events", kind: "Event" }, "default")
    ).items;
    const event = events.find((e) => (e["involvedObject"] as { name?: string }).name === "needs-key");
    assert.equal(event?.["type"], "Warning");
    assert.equal(event?.["reason"], "MissingVariables");
    assert.equal(await deployment("needs-key"), undefined);

    await client.apply(
      APPS,
      spinApp("needs-key", images.needsKey, { variables: [{ name: "api_key", value: "k" }] }),
    );
    await eventually(() => deployment("needs-key"), "the Deployment once the variable is given");
  });

  it("deletes the runtime-config Secret of an earlier version of the app (spin-operator#151)", async () => {
    const before = await eventually(async () => {
      const secrets = await secretsOf("hello");
      return secrets.length === 1 ? secrets[0]?.metadata.name : undefined;
    }, "one Secret");
    await client.apply(
      APPS,
      spinApp("hello", images.http, {
        replicas: 3,
        runtimeConfig: {
          keyValueStores: [
            { name: "default", type: "redis", options: [{ name: "url", value: "redis://r" }] },
          ],
        },
      }),
    );
    const after = await eventually(async () => {
      const names = (await secretsOf("hello")).map((s) => s.metadata.name);
      return names.length === 1 && names[0] !== before ? names[0] : undefined;
    }, "only the new Secret");
    const volumes = (
      (await deployment("hello"))?.["spec"] as {
        template: { spec: { volumes: { secret?: { secretName: string } }[] } };
      }
    ).template.spec.volumes;
    assert.equal(volumes[0]?.secret?.secretName, after);
  });

  it("reports a SpinApp whose executor does not exist with a MissingExecutor Event", async () => {
    await client.apply(APPS, spinApp("orphan", images.http, { executor: "nowhere" }));
    const event = await eventually(async () => {
      const { items } = await client.list(
        { group: "", version: "v1", plural: "events", kind: "Event" },
        "default",
      );
      return items.find((e) => e["reason"] === "MissingExecutor");
    }, "the MissingExecutor Event");
    assert.equal(event["message"], "Could not find SpinAppExecutor default/nowhere");
    await client.delete(APPS, "default", "orphan");
  });

  it("keeps an executor that SpinApps use until they are gone (finalizer)", async () => {
    await client.apply(EXECUTORS, executor("spare"));
    await eventually(async () => {
      const found = await client.get(EXECUTORS, "default", "spare");
      return found?.metadata.finalizers?.includes(`${CURRENT_GROUP}/finalizer`) === true ? true : undefined;
    }, "the finalizer");
    await client.apply(APPS, spinApp("uses-spare", images.http, { executor: "spare" }));
    await eventually(() => deployment("uses-spare"), "the app's Deployment");
    await client.delete(EXECUTORS, "default", "spare");
    await eventually(async () => {
      const { items } = await client.list(
        { group: "", version: "v1", plural: "events", kind: "Event" },
        "default",
      );
      return items.find((e) => e["reason"] === "DeletionBlocked");
    }, "the DeletionBlocked Event");
    assert.ok((await client.get(EXECUTORS, "default", "spare"))?.metadata.deletionTimestamp);
    await client.delete(APPS, "default", "uses-spare");
    await eventually(
      async () => ((await client.get(EXECUTORS, "default", "spare")) === undefined ? true : undefined),
      "the executor's removal",
    );
  });

  it("keeps reconciling after its watches end and their history expires (relist on 410)", async () => {
    fake.compact();
    fake.dropWatches();
    await client.apply(APPS, spinApp("late", images.http));
    await eventually(() => deployment("late"), "the late app's Deployment");
  });

  it("settles: once everything is applied, reconciles write nothing more", async () => {
    const writes = () => fake.requests.filter((r) => r.method !== "GET").length;
    let last = -1;
    await eventually(async () => {
      const now = writes();
      const settled = now === last;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 100));
      return settled ? true : undefined;
    }, "no more writes");
  });
});
