// The FAKE API server over its REST API: its garbage collector and delete propagation policies, and the
// scale subresource it serves from a CRD. The operator's tests trust it to collect what a real cluster
// collects, and nothing more, and to answer Scale writes as a real cluster does.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { startFakeKube, type FakeKube } from "./fake-kube.ts";
import { suiteScope } from "./scope.ts";

const CONFIG_MAPS = "/api/v1/namespaces/default/configmaps";
const SECRETS = "/api/v1/namespaces/default/secrets";
const CRDS = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const SPINAPPS = "/apis/core.spinkube.dev/v1alpha1/namespaces/default/spinapps";

interface Stored {
  metadata: {
    name: string;
    uid: string;
    finalizers?: string[];
    deletionTimestamp?: string;
    ownerReferences?: unknown[];
  };
}

describe("the fake API server", () => {
  const scope = suiteScope();
  let fake: FakeKube;

  before(async () => {
    fake = await startFakeKube(scope);
  });

  const call = async (method: string, path: string, body?: unknown, contentType = "application/json") => {
    const response = await fetch(`${fake.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${fake.token}`, "content-type": contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { code: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const owner = (o: Stored, block = true) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    name: o.metadata.name,
    uid: o.metadata.uid,
    blockOwnerDeletion: block,
  });
  const create = async (collection: string, name: string, metadata: Record<string, unknown> = {}) => {
    const kind = collection === CONFIG_MAPS ? "ConfigMap" : "Secret";
    const created = await call("POST", collection, {
      apiVersion: "v1",
      kind,
      metadata: { name, ...metadata },
    });
    assert.equal(created.code, 201);
    return created.body as unknown as Stored;
  };
  const exists = (collection: string, name: string) => fake.object(`${collection}/${name}`) !== undefined;

  it("deletes, in the background, what the deleted owner owned, recursively, but not what another owner keeps", async () => {
    const app = await create(CONFIG_MAPS, "app");
    const other = await create(CONFIG_MAPS, "other");
    const child = await create(CONFIG_MAPS, "child", { ownerReferences: [owner(app)] });
    await create(SECRETS, "grandchild", { ownerReferences: [owner(child)] });
    await create(SECRETS, "shared", { ownerReferences: [owner(app), owner(other)] });
    const deleted = await call("DELETE", `${CONFIG_MAPS}/app`, {
      kind: "DeleteOptions",
      propagationPolicy: "Background",
    });
    assert.equal(deleted.code, 200);
    assert.equal(exists(CONFIG_MAPS, "child"), false);
    assert.equal(exists(SECRETS, "grandchild"), false);
    assert.equal(exists(SECRETS, "shared"), true);
    await call("DELETE", `${CONFIG_MAPS}/other`);
    assert.equal(exists(SECRETS, "shared"), false);
  });

  it("counts an ownerReference whose uid is not the live owner's as gone, as Kubernetes does", async () => {
    const live = await create(CONFIG_MAPS, "live");
    await create(SECRETS, "stale-owner", { ownerReferences: [{ ...owner(live), uid: "not-the-live-uid" }] });
    assert.equal(exists(SECRETS, "stale-owner"), false);
    await create(SECRETS, "right-owner", { ownerReferences: [owner(live)] });
    assert.equal(exists(SECRETS, "right-owner"), true);
    await call("DELETE", `${CONFIG_MAPS}/live`);
  });

  it("orphans the dependents with propagationPolicy=Orphan, dropping only the deleted owner's reference", async () => {
    const app = await create(CONFIG_MAPS, "orphaning");
    const other = await create(CONFIG_MAPS, "keeper");
    await create(SECRETS, "orphan", { ownerReferences: [owner(app)] });
    await create(SECRETS, "kept", { ownerReferences: [owner(app), owner(other)] });
    assert.equal((await call("DELETE", `${CONFIG_MAPS}/orphaning?propagationPolicy=Orphan`)).code, 200);
    assert.equal(exists(CONFIG_MAPS, "orphaning"), false);
    assert.equal(fake.object(`${SECRETS}/orphan`)?.metadata["ownerReferences"], undefined);
    assert.deepEqual(fake.object(`${SECRETS}/kept`)?.metadata["ownerReferences"], [owner(other)]);
  });

  it("deletes the owner last with Foreground, once no dependent that blocks it is left", async () => {
    const app = await create(CONFIG_MAPS, "foreground");
    await create(SECRETS, "slow", { ownerReferences: [owner(app)], finalizers: ["example.com/slow"] });
    await create(SECRETS, "quick", { ownerReferences: [owner(app, false)] });
    const deleted = await call("DELETE", `${CONFIG_MAPS}/foreground`, { propagationPolicy: "Foreground" });
    const waiting = deleted.body as unknown as Stored;
    assert.deepEqual(waiting.metadata.finalizers, ["foregroundDeletion"]);
    assert.ok(waiting.metadata.deletionTimestamp);
    assert.equal(exists(SECRETS, "quick"), false);
    assert.ok(fake.object(`${SECRETS}/slow`)?.metadata.deletionTimestamp);
    const released = await call(
      "PATCH",
      `${SECRETS}/slow`,
      { metadata: { finalizers: null } },
      "application/merge-patch+json",
    );
    assert.equal(released.code, 200);
    assert.equal(exists(SECRETS, "slow"), false);
    assert.equal(exists(CONFIG_MAPS, "foreground"), false);
  });

  it("refuses a propagation policy Kubernetes does not have", async () => {
    await create(CONFIG_MAPS, "kept-by-typo");
    const deleted = await call("DELETE", `${CONFIG_MAPS}/kept-by-typo`, { propagationPolicy: "Cascade" });
    assert.equal(deleted.code, 400);
    assert.match(
      String(deleted.body["message"]),
      /Unsupported value: "Cascade": supported values: "Foreground", "Background", "Orphan"/,
    );
    assert.equal(exists(CONFIG_MAPS, "kept-by-typo"), true);
  });

  it("serves the scale subresource the SpinApp CRD declares: PUT with conflicts and validation, and no Scale without spec.replicas", async () => {
    const crd = parse(
      readFileSync(new URL("../../deploy/crds/core.spinkube.dev_spinapps.yaml", import.meta.url), "utf8"),
    ) as unknown;
    assert.equal((await call("POST", CRDS, crd)).code, 201);
    const app = {
      apiVersion: "core.spinkube.dev/v1alpha1",
      kind: "SpinApp",
      spec: { image: "r/a:1", executor: "e" },
    };
    await call("POST", SPINAPPS, { ...app, metadata: { name: "unscaled" } });
    const unscaled = await call("GET", `${SPINAPPS}/unscaled/scale`);
    assert.equal(unscaled.code, 500);
    assert.equal(unscaled.body["message"], 'the spec replicas field ".spec.replicas" does not exist');
    const scaled = await call("PUT", `${SPINAPPS}/unscaled/scale`, {
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: { name: "unscaled" },
      spec: { replicas: 2 },
    });
    assert.equal(scaled.code, 200);
    assert.deepEqual(scaled.body["spec"], { replicas: 2 });
    assert.deepEqual(scaled.body["status"], { replicas: 0 });
    assert.equal((fake.object(`${SPINAPPS}/unscaled`)?.["spec"] as { replicas?: number }).replicas, 2);
    const stale = await call("PUT", `${SPINAPPS}/unscaled/scale`, {
      metadata: { name: "unscaled", resourceVersion: "1" },
      spec: { replicas: 3 },
    });
    assert.equal(stale.code, 409);
    const negative = await call(
      "PATCH",
      `${SPINAPPS}/unscaled/scale`,
      { spec: { replicas: -1 } },
      "application/merge-patch+json",
    );
    assert.equal(negative.code, 422);
    assert.match(
      String(negative.body["message"]),
      /spec\.replicas: Invalid value: -1: must be greater than or equal to 0/,
    );
    assert.equal((await call("GET", `${CONFIG_MAPS}/anything/scale`)).code, 404);
  });
});
