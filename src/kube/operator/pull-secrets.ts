/**
 * Registry credentials from a pod's pull Secrets (the SpinApp's `imagePullSecrets`, or its
 * ServiceAccount's), read as the kubelet reads them: Secrets of type `kubernetes.io/dockerconfigjson`
 * (key `.dockerconfigjson`, a Docker config with `auths`) or the older `kubernetes.io/dockercfg` (key
 * `.dockercfg`, the `auths` map itself). The first Secret, in the listed order, with a login for the
 * image's registry wins; Secrets of other types are skipped, as the kubelet skips them. Pure.
 */
import { SpindleError } from "../../errors.ts";
import { credentialsInAuths, type AuthEntry, type Credentials } from "../../oci/credentials.ts";
import type { KubeResource } from "../client/client.ts";
import { isRecord } from "../model/legacy.ts";

const DOCKER_CONFIG_JSON = { type: "kubernetes.io/dockerconfigjson", key: ".dockerconfigjson" };
const DOCKER_CFG = { type: "kubernetes.io/dockercfg", key: ".dockercfg" };

/**
 * The login for `registry` in `secrets` (as the API returns them, `data` in base64), or `undefined`.
 * `listedBy` names the object that lists them when it is not the app (`ServiceAccount apps/runner`), so
 * an error says where a Secret the user never named in the app comes from.
 */
export function pullSecretCredentials(
  secrets: readonly KubeResource[],
  registry: string,
  listedBy?: string,
): Credentials | undefined {
  for (const secret of secrets) {
    const name = `Secret ${secret.metadata.namespace ?? "default"}/${secret.metadata.name}`;
    const where = listedBy === undefined ? name : `${name} (an imagePullSecret of ${listedBy})`;
    const hint = `Recreate it with kubectl create secret docker-registry ${secret.metadata.name}`;
    const auths = authsOf(secret, { source: where, hint: `${hint} …` });
    if (auths === undefined) continue;
    const found = credentialsInAuths(auths, registry, {
      source: where,
      hint: `${hint} --docker-server=${registry} …`,
    });
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The Secret's `auths`; `undefined` for a Secret of another type. `where` names it in errors. */
function authsOf(
  secret: KubeResource,
  where: { readonly source: string; readonly hint: string },
): Readonly<Record<string, AuthEntry>> | undefined {
  const format = [DOCKER_CONFIG_JSON, DOCKER_CFG].find((f) => f.type === secret["type"]);
  const encoded = (secret["data"] as Record<string, string> | undefined)?.[format?.key ?? ""];
  if (format === undefined || encoded === undefined) return undefined;
  const notAConfig = (options: ErrorOptions = {}) =>
    new SpindleError(`${where.source}: ${format.key} is not a Docker registry config`, {
      ...options,
      hint: where.hint,
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch (cause) {
    throw notAConfig({ cause });
  }
  const auths = format === DOCKER_CONFIG_JSON && isRecord(parsed) ? parsed["auths"] : parsed;
  if (!isRecord(auths)) throw notAConfig();
  return auths as Record<string, AuthEntry>;
}
