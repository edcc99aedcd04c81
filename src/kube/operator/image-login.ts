/**
 * The registry login the operator reads a SpinApp's image with: one from the pull Secrets the app's pods
 * get. Those are the app's `imagePullSecrets` when it lists any, else the `imagePullSecrets` of the pods'
 * ServiceAccount (`spec.serviceAccountName`, else `default`). That is how the Kubernetes ServiceAccount
 * admission plugin fills them in: it adds the ServiceAccount's only to a pod that lists none, and the
 * kubelet pulls with what the pod lists. Reading both would accept an image the pods cannot pull. Thin I/O
 * over pull-secrets.ts; per reconcile, it reads the ServiceAccount (only for an app that lists no
 * Secrets) and the listed Secrets.
 */
import { KubeApiError } from "../client/api-error.ts";
import type { KubeClient, KubeResource } from "../client/client.ts";
import { SECRETS, SERVICE_ACCOUNTS } from "../client/resources.ts";
import { podServiceAccountName } from "../builders/deployment.ts";
import type { SpinApp } from "../model/types.ts";
import type { Credentials } from "../../oci/credentials.ts";
import { parseReference } from "../../oci/reference.ts";
import { pullSecretCredentials } from "./pull-secrets.ts";

export interface ImageLogin {
  /** The first login for the image's registry, or `undefined` (the operator's own Docker config then). */
  readonly credentials: Credentials | undefined;
  /**
   * Why a pull Secret may be lacking, for a registry's refusal to say: what the app names but the cluster
   * does not have (`Secret apps/regcred (in spec.imagePullSecrets) does not exist`), skipped as the
   * kubelet skips it, or a ServiceAccount the operator may not read.
   */
  readonly gaps: readonly string[];
}

/** Throws the SpindleError of a malformed pull Secret, naming it and what lists it. */
export async function imageLogin(client: KubeClient, app: SpinApp): Promise<ImageLogin> {
  const namespace = app.metadata.namespace ?? "default";
  const listed = await pullSecretNames(client, app);
  const secrets = await Promise.all(listed.names.map((name) => client.get(SECRETS, namespace, name)));
  const found = secrets.filter((s): s is KubeResource => s !== undefined);
  const missing = listed.names
    .filter((_, i) => secrets[i] === undefined)
    .map(
      (n) =>
        `Secret ${namespace}/${n} (${listed.by === undefined ? "in spec.imagePullSecrets" : `an imagePullSecret of ${listed.by}`}) does not exist`,
    );
  const registry = parseReference(app.spec.image).registry;
  return {
    credentials: pullSecretCredentials(found, registry, listed.by),
    gaps: [...listed.gaps, ...missing],
  };
}

interface ListedSecrets {
  readonly names: readonly string[];
  /** The ServiceAccount that lists them; `undefined` for the app's own. */
  readonly by?: string;
  readonly gaps: readonly string[];
}

/**
 * A ServiceAccount that does not exist lists nothing. Pods cannot start until it exists (the ReplicaSet
 * reports that), and reading the image need not wait for it. One the operator may not read (an install
 * whose RBAC predates the rule) lists nothing either: a public image is still read.
 */
async function pullSecretNames(client: KubeClient, app: SpinApp): Promise<ListedSecrets> {
  const own = app.spec.imagePullSecrets ?? [];
  if (own.length > 0) return { names: own.map((s) => s.name), gaps: [] };
  const namespace = app.metadata.namespace ?? "default";
  const name = podServiceAccountName(app);
  const by = `ServiceAccount ${namespace}/${name}`;
  const account = await readServiceAccount(client, namespace, name);
  if (account === "forbidden") {
    const why = `${by} (the pods' service account) may not be read by the operator: give it get on serviceaccounts, as deploy/operator/rbac.yaml does`;
    return { names: [], gaps: [why] };
  }
  if (account === undefined) {
    return { names: [], gaps: [`${by} (the pods' service account) does not exist`] };
  }
  const refs = (account["imagePullSecrets"] ?? []) as readonly { readonly name?: string }[];
  return { names: refs.flatMap((r) => (r.name ? [r.name] : [])), by, gaps: [] };
}

async function readServiceAccount(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<KubeResource | undefined | "forbidden"> {
  try {
    return await client.get(SERVICE_ACCOUNTS, namespace, name);
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 403) return "forbidden";
    throw error;
  }
}
