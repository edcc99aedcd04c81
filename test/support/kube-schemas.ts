/**
 * Checks install objects as a cluster would before applying them: Kubernetes kinds against their OpenAPI
 * schema (kubernetes-models), SpinAppExecutors against Spindle's admission rules, cert-manager objects
 * let through (no schema package for them). Used by the deploy/ and Helm chart tests.
 */
import assert from "node:assert/strict";
import { MutatingWebhookConfiguration } from "kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration";
import { ValidatingWebhookConfiguration } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { RuntimeClass } from "kubernetes-models/node.k8s.io/v1/RuntimeClass";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { validateSpinAppExecutor } from "../../src/kube/model/admission.ts";
import { parseSpinAppExecutor } from "../../src/kube/model/parse.ts";

export type KubeDoc = Record<string, unknown> & { kind: string };

const MODELS: Readonly<Record<string, new (data: never) => { validate(): void }>> = {
  Namespace,
  ServiceAccount,
  ClusterRole,
  ClusterRoleBinding,
  Role,
  RoleBinding,
  Deployment,
  Service,
  MutatingWebhookConfiguration,
  ValidatingWebhookConfiguration,
  RuntimeClass,
  CustomResourceDefinition,
};

/** Fails the test, naming `what`, unless `doc` is an object a cluster would accept. */
export function assertValidObject(doc: KubeDoc, what: string): void {
  if (doc.kind === "SpinAppExecutor") {
    assert.deepEqual(validateSpinAppExecutor(parseSpinAppExecutor(doc)), [], what);
    return;
  }
  const Model = MODELS[doc.kind];
  if (Model === undefined) {
    assert.ok(String(doc["apiVersion"]).startsWith("cert-manager.io/"), `unexpected ${what}`);
    return;
  }
  assert.doesNotThrow(() => new Model(structuredClone(doc) as never).validate(), what);
}
