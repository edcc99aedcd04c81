/**
 * Writes the objects built for one SpinApp: the runtime-config Secret (created once, never patched: its
 * name is the hash of its content), the CA bundle Secret when missing, the Deployment, Service and
 * autoscaler by server-side apply, and the clean-ups: runtime-config Secrets of earlier versions of the
 * app (which SpinKube leaves behind, spin-operator#151), the Deployment when the executor stops creating
 * one, the Service when the app no longer has HTTP triggers, and the autoscaler the app no longer asks
 * for (or of the other kind), looked for only where `OwnedAutoscalers` says the app may own one. Thin I/O
 * over the builders' output.
 */
import { rootCertificates } from "node:tls";
import { isAlreadyExists, isNotFound } from "../client/api-error.ts";
import type { KubeClient, KubeResource } from "../client/client.ts";
import {
  apiVersionOf,
  DEPLOYMENTS,
  HORIZONTAL_POD_AUTOSCALERS,
  SCALED_OBJECTS,
  SECRETS,
  SERVICES,
  type ResourceType,
} from "../client/resources.ts";
import type { AppObjects } from "../builders/app-objects.ts";
import { appNameLabel } from "../builders/labels.ts";
import type { SpinApp } from "../model/types.ts";
import { ReconcileFailure } from "./failures.ts";
import type { OwnedAutoscalers } from "./owned-autoscalers.ts";

/** SpinKube's marker on the CA Secret it creates (an annotation, not a label). */
const MANAGED_BY = { "app.kubernetes.io/managed-by": "spin-operator.spinkube.dev" };
/** Node's bundled Mozilla root store, the same source as SpinKube's embedded bundle. */
const CA_BUNDLE = `${rootCertificates.join("\n")}\n`;

export async function writeChildren(
  client: KubeClient,
  app: SpinApp,
  objects: AppObjects,
  autoscalers: OwnedAutoscalers,
): Promise<void> {
  const namespace = app.metadata.namespace ?? "default";
  if (objects.runtimeConfigSecret !== undefined) {
    await createOnce(client, SECRETS, objects.runtimeConfigSecret);
  }
  if (objects.caSecretName !== undefined) await ensureCaSecret(client, namespace, objects.caSecretName);
  if (objects.deployment !== undefined) {
    await client.apply(DEPLOYMENTS, objects.deployment);
    await collectStaleSecrets(client, app, objects.runtimeConfigSecret?.metadata.name);
  } else {
    await client.delete(DEPLOYMENTS, namespace, app.metadata.name);
  }
  if (objects.service !== undefined) await client.apply(SERVICES, objects.service);
  else await deleteOwned(client, SERVICES, app, app.metadata.name);
  await writeAutoscaler(client, app, objects.autoscaler, autoscalers);
}

/**
 * Applies the autoscaler, and deletes the app's autoscaler of the other kind or of either kind, among
 * those the app may own.
 */
async function writeAutoscaler(
  client: KubeClient,
  app: SpinApp,
  autoscaler: AppObjects["autoscaler"],
  owned: OwnedAutoscalers,
) {
  const stale = [HORIZONTAL_POD_AUTOSCALERS, SCALED_OBJECTS].filter(
    (type) => type.kind !== autoscaler?.kind && owned.mayOwn(app, type.kind),
  );
  owned.unsettle(app);
  for (const type of [HORIZONTAL_POD_AUTOSCALERS, SCALED_OBJECTS]) {
    if (autoscaler?.kind === type.kind) await applyAutoscaler(client, type, autoscaler);
    else if (stale.includes(type)) await deleteOwned(client, type, app, `${app.metadata.name}-autoscaler`);
  }
  owned.settle(app, autoscaler?.kind);
}

/** An API server without KEDA answers 404 for ScaledObjects; that is the user's to fix, not a retry's. */
async function applyAutoscaler(client: KubeClient, type: ResourceType, object: KubeResource) {
  try {
    await client.apply(type, object);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new ReconcileFailure(
      "InvalidSpec",
      `the cluster does not serve ${apiVersionOf(type)} ${type.kind}s, so the app's autoscaler cannot be created`,
      {
        cause: error,
        hint:
          type === SCALED_OBJECTS
            ? "Install KEDA, or set the annotation spindle.dev/autoscaler: hpa."
            : "Use a cluster that serves autoscaling/v2.",
      },
    );
  }
}

async function createOnce(client: KubeClient, type: typeof SECRETS, object: KubeResource): Promise<void> {
  try {
    await client.create(type, object);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** Creates the CA Secret only if absent; an existing one is never overwritten (it is shared). */
async function ensureCaSecret(client: KubeClient, namespace: string, name: string): Promise<void> {
  if ((await client.get(SECRETS, namespace, name)) !== undefined) return;
  await createOnce(client, SECRETS, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, annotations: MANAGED_BY },
    stringData: { "ca-certificates.crt": CA_BUNDLE },
  });
}

/**
 * Deletes the app's runtime-config Secrets other than `current`: those labelled with the app's name,
 * owned by this app (its uid) and named `<app>-<hex>`. Pods of the previous version mount their Secret
 * as optional, so a rollout in progress does not fail when it goes.
 */
async function collectStaleSecrets(client: KubeClient, app: SpinApp, current: string | undefined) {
  const namespace = app.metadata.namespace ?? "default";
  const { items } = await client.list(SECRETS, namespace, {
    labelSelector: `${appNameLabel(app.group)}=${app.metadata.name}`,
  });
  const generated = new RegExp(`^${escape(app.metadata.name)}-[0-9a-f]{1,8}$`);
  for (const secret of items) {
    const name = secret.metadata.name;
    if (name === current || !generated.test(name) || !ownedBy(secret, app)) continue;
    await client.delete(SECRETS, namespace, name);
  }
}

/** Deletes `name` if this app owns it; an object the user made under that name is left alone. */
async function deleteOwned(client: KubeClient, type: ResourceType, app: SpinApp, name: string) {
  const namespace = app.metadata.namespace ?? "default";
  const existing = await client.get(type, namespace, name);
  if (existing !== undefined && ownedBy(existing, app)) await client.delete(type, namespace, name);
}

function ownedBy(object: KubeResource, app: SpinApp): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (o) => o.uid === app.metadata.uid && o.kind === "SpinApp",
  );
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
