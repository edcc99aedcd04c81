// The operator's install manifests in deploy/operator/: every object passes the Kubernetes OpenAPI
// schema (kubernetes-models), the webhooks point at the paths the operator serves, the RBAC grants what
// the operator does, and the executors are valid SpinAppExecutors. No cluster is involved.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { webhookPaths } from "../../src/kube/webhook/review.ts";
import { assertValidObject, type KubeDoc } from "../support/kube-schemas.ts";

const DIR = new URL("../../deploy/operator/", import.meta.url);
type Doc = KubeDoc;
const docs = (file: string): Doc[] =>
  parseAllDocuments(readFileSync(new URL(file, DIR), "utf8")).map((d) => d.toJS() as Doc);

test("every core object of deploy/operator passes the Kubernetes schema", () => {
  for (const file of ["rbac.yaml", "operator.yaml", "webhooks.yaml"]) {
    for (const doc of docs(file)) assertValidObject(doc, `${file}: ${doc.kind}`);
  }
});

test("the webhook configurations call the paths the operator serves", () => {
  const paths = Object.values(webhookPaths("core.spinkube.dev")).sort();
  const configured = docs("webhooks.yaml")
    .flatMap((d) => (d["webhooks"] as { clientConfig: { service: { path: string } } }[] | undefined) ?? [])
    .map((w) => w.clientConfig.service.path)
    .sort();
  assert.deepEqual(configured, paths);
});

// The executors go in with the webhooks (failurePolicy Fail), before the operator can answer them: the
// executor webhooks must skip exactly the bundled executors, or the install fails on them.
test("the executor webhooks skip the bundled executors, which carry spindle.dev/bundled, and only those", () => {
  for (const doc of [...docs("spindle-executor.yaml"), ...docs("shim-executors.yaml")]) {
    const labels = (doc["metadata"] as { labels?: Record<string, string> }).labels;
    assert.equal(labels?.["spindle.dev/bundled"], "true", JSON.stringify(doc["metadata"]));
  }
  const hooks = docs("webhooks.yaml").flatMap(
    (d) => (d["webhooks"] as { name: string; objectSelector?: unknown }[] | undefined) ?? [],
  );
  const skip = { matchExpressions: [{ key: "spindle.dev/bundled", operator: "DoesNotExist" }] };
  for (const hook of hooks) {
    assert.deepEqual(
      hook.objectSelector,
      hook.name.includes("spinappexecutor") ? skip : undefined,
      hook.name,
    );
  }
});

test("the ClusterRole grants every verb the operator uses", () => {
  const role = docs("rbac.yaml").find((d) => d.kind === "ClusterRole");
  const rules = (role?.["rules"] ?? []) as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  const allows = (group: string, resource: string, verb: string) =>
    rules.some(
      (r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
    );
  const needed: [string, string, string[]][] = [
    ["core.spinkube.dev", "spinapps", ["get", "list", "watch"]],
    ["core.spinkube.dev", "spinapps/status", ["update"]],
    ["core.spinkube.dev", "spinappexecutors", ["get", "list", "watch", "update"]],
    ["apps", "deployments", ["get", "list", "watch", "patch", "delete"]],
    ["", "services", ["get", "list", "watch", "patch", "delete"]],
    ["", "secrets", ["get", "list", "watch", "create", "delete"]],
    ["", "configmaps", ["get"]],
    ["", "serviceaccounts", ["get"]],
    ["autoscaling", "horizontalpodautoscalers", ["get", "create", "patch", "delete"]],
    ["keda.sh", "scaledobjects", ["get", "create", "patch", "delete"]],
    ["", "events", ["create"]],
  ];
  for (const [group, resource, verbs] of needed) {
    for (const verb of verbs) assert.ok(allows(group, resource, verb), `${verb} ${group}/${resource}`);
  }
});

test("the spinImage and shim executors are valid SpinAppExecutors", () => {
  for (const doc of [...docs("spindle-executor.yaml"), ...docs("shim-executors.yaml")]) {
    assertValidObject(doc, JSON.stringify(doc["metadata"]));
  }
});

test("the operator runs with leader election, and its namespace's Role grants the Lease", () => {
  const deployment = docs("operator.yaml").find((d) => d.kind === "Deployment");
  const spec = deployment?.["spec"] as { template: { spec: { containers: { args: string[] }[] } } };
  assert.ok(spec.template.spec.containers[0]?.args.includes("--leader-elect"));
  const role = docs("rbac.yaml").find((d) => d.kind === "Role");
  assert.equal((role?.["metadata"] as { namespace?: string }).namespace, "spindle-system");
  const rules = (role?.["rules"] ?? []) as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
  for (const verb of ["get", "create", "update"]) {
    assert.ok(
      rules.some(
        (r) =>
          r.apiGroups.includes("coordination.k8s.io") &&
          r.resources.includes("leases") &&
          r.verbs.includes(verb),
      ),
      verb,
    );
  }
  const binding = docs("rbac.yaml").find((d) => d.kind === "RoleBinding");
  assert.equal((binding?.["roleRef"] as { name: string }).name, "spindle-operator-leader-election");
});
