import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { inClusterConnection, kubeconfigConnection, kubeconfigPath } from "./connection.ts";

const dir = mkdtempSync(join(tmpdir(), "spindle-kubeconfig-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const KUBECONFIG = `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: prod
  cluster: {server: "https://prod:6443"}
- name: dev
  cluster:
    server: "https://dev:6443"
    certificate-authority-data: ${Buffer.from("CA PEM").toString("base64")}
users:
- name: dev-user
  user: {token: abc, client-certificate: cert.pem, client-key-data: ${Buffer.from("KEY").toString("base64")}}
- name: plugin
  user: {exec: {command: aws}}
contexts:
- name: dev
  context: {cluster: dev, user: dev-user, namespace: team}
- name: cloud
  context: {cluster: prod, user: plugin}
`;

test("the current context gives server, namespace, inline and file PEMs and the token", () => {
  writeFileSync(join(dir, "config"), KUBECONFIG);
  writeFileSync(join(dir, "cert.pem"), "CERT PEM");
  const connection = kubeconfigConnection(join(dir, "config"));
  assert.equal(connection.server, "https://dev:6443");
  assert.equal(connection.namespace, "team");
  assert.equal(connection.ca, "CA PEM");
  assert.equal(connection.cert, "CERT PEM");
  assert.equal(connection.key, "KEY");
  assert.equal(connection.token?.(), "abc");
});

test("credential plugins are refused with a hint, not ignored", () => {
  writeFileSync(join(dir, "config"), KUBECONFIG);
  assert.throws(() => kubeconfigConnection(join(dir, "config"), "cloud"), /exec and auth-provider/);
  assert.throws(() => kubeconfigConnection(join(dir, "config"), "nope"), /context "nope" is not defined/);
});

test("in a pod: the service account's token, CA and namespace", () => {
  const sa = join(dir, "sa");
  writeFileSync(join(dir, "ca.crt"), "POD CA");
  writeFileSync(join(dir, "token"), "tok\n");
  writeFileSync(join(dir, "namespace"), "spin-system");
  assert.equal(inClusterConnection({}, sa), undefined);
  const connection = inClusterConnection(
    { KUBERNETES_SERVICE_HOST: "10.0.0.1", KUBERNETES_SERVICE_PORT: "443" },
    dir,
  );
  assert.equal(connection?.server, "https://10.0.0.1:443");
  assert.equal(connection?.token?.(), "tok");
  assert.equal(connection?.ca, "POD CA");
  assert.equal(connection?.namespace, "spin-system");
});

test("kubeconfig path: the flag, then the first KUBECONFIG entry, then ~/.kube/config", () => {
  assert.equal(kubeconfigPath("/x", { KUBECONFIG: "/y" }), "/x");
  assert.equal(kubeconfigPath(undefined, { KUBECONFIG: "/a:/b" }), "/a");
  assert.match(kubeconfigPath(undefined, {}), /\.kube\/config$/);
});
