import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeResource } from "../client/client.ts";
import { pullSecretCredentials } from "./pull-secrets.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

function secret(name: string, type: string, data: Record<string, string>): KubeResource {
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "apps" }, type, data };
}

/** What `kubectl create secret docker-registry` makes. */
function dockerConfigJson(name: string, auths: Record<string, unknown>): KubeResource {
  return secret(name, "kubernetes.io/dockerconfigjson", {
    ".dockerconfigjson": b64(JSON.stringify({ auths })),
  });
}

test("a dockerconfigjson Secret gives the login for the image's registry, from auth or username/password", () => {
  const secrets = [
    dockerConfigJson("regcred", {
      "registry.example:5000": { auth: b64("alice:pa:ss") },
      "https://ghcr.io": { username: "bob", password: "tok" },
    }),
  ];
  assert.deepEqual(pullSecretCredentials(secrets, "registry.example:5000"), {
    username: "alice",
    password: "pa:ss",
  });
  assert.deepEqual(pullSecretCredentials(secrets, "ghcr.io"), { username: "bob", password: "tok" });
  assert.equal(pullSecretCredentials(secrets, "quay.io"), undefined);
});

test("Docker Hub's legacy key and the old dockercfg format are understood", () => {
  const hub = dockerConfigJson("hub", { "https://index.docker.io/v1/": { auth: b64("carol:pw") } });
  assert.deepEqual(pullSecretCredentials([hub], "docker.io"), { username: "carol", password: "pw" });
  const cfg = secret("old", "kubernetes.io/dockercfg", {
    ".dockercfg": b64(JSON.stringify({ "registry.example": { auth: b64("dave:pw") } })),
  });
  assert.deepEqual(pullSecretCredentials([cfg], "registry.example"), { username: "dave", password: "pw" });
});

test("the first Secret in the app's order with a login for the registry wins; other types are skipped", () => {
  const opaque = secret("opaque", "Opaque", { ".dockerconfigjson": b64("not even json") });
  const other = dockerConfigJson("other", { "elsewhere.example": { auth: b64("x:y") } });
  const first = dockerConfigJson("first", { "registry.example": { auth: b64("erin:1") } });
  const second = dockerConfigJson("second", { "registry.example": { auth: b64("frank:2") } });
  assert.deepEqual(pullSecretCredentials([opaque, other, first, second], "registry.example"), {
    username: "erin",
    password: "1",
  });
});

test("a malformed pull Secret is an error naming it", () => {
  const garbled = secret("garbled", "kubernetes.io/dockerconfigjson", { ".dockerconfigjson": b64("{") });
  assert.throws(() => pullSecretCredentials([garbled], "registry.example"), {
    message: "Secret apps/garbled: .dockerconfigjson is not a Docker registry config",
  });
  const noColon = dockerConfigJson("nocolon", { "registry.example": { auth: b64("just-a-token") } });
  assert.throws(() => pullSecretCredentials([noColon], "registry.example"), {
    message: 'Secret apps/nocolon: the login for registry.example is not base64 "user:password"',
  });
});

test("a malformed Secret that a ServiceAccount lists is named with the ServiceAccount", () => {
  const garbled = secret("garbled", "kubernetes.io/dockercfg", { ".dockercfg": b64("[1]") });
  assert.throws(() => pullSecretCredentials([garbled], "registry.example", "ServiceAccount apps/runner"), {
    message:
      "Secret apps/garbled (an imagePullSecret of ServiceAccount apps/runner): .dockercfg is not a Docker registry config",
    hint: "Recreate it with kubectl create secret docker-registry garbled …",
  });
});
