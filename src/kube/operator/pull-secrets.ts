/**
 * Registry credentials from a SpinApp's `imagePullSecrets`, read as the kubelet reads them: Secrets of
 * type `kubernetes.io/dockerconfigjson` (key `.dockerconfigjson`, a Docker config with `auths`) or the
 * older `kubernetes.io/dockercfg` (key `.dockercfg`, the `auths` map itself). The first Secret, in the
 * order the app lists them, with a login for the image's registry wins; Secrets of other types are
 * skipped, as the kubelet skips them. Pure.
 */
import { SpindleError } from "../../errors.ts";
import { credentialsInAuths, type AuthEntry, type Credentials } from "../../oci/credentials.ts";
import type { KubeResource } from "../client/client.ts";
import { isRecord } from "../model/legacy.ts";

const DOCKER_CONFIG_JSON = { type: "kubernetes.io/dockerconfigjson", key: ".dockerconfigjson" };
const DOCKER_CFG = { type: "kubernetes.io/dockercfg", key: ".dockercfg" };

/** The login for `registry` in `secrets` (as the API returns them, `data` in base64), or `undefined`. */
export function pullSecretCredentials(
  secrets: readonly KubeResource[],
  registry: string,
): Credentials | undefined {
  for (const secret of secrets) {
    const auths = authsOf(secret);
    if (auths === undefined) continue;
    const where = `Secret ${secret.metadata.namespace ?? "default"}/${secret.metadata.name}`;
    const found = credentialsInAuths(auths, registry, {
      source: where,
      hint: `Recreate it with kubectl create secret docker-registry ${secret.metadata.name} --docker-server=${registry} …`,
    });
    if (found !== undefined) return found;
  }
  return undefined;
}

function authsOf(secret: KubeResource): Readonly<Record<string, AuthEntry>> | undefined {
  const format = [DOCKER_CONFIG_JSON, DOCKER_CFG].find((f) => f.type === secret["type"]);
  const encoded = (secret["data"] as Record<string, string> | undefined)?.[format?.key ?? ""];
  if (format === undefined || encoded === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, "base64").toString("utf8"));
  } catch (cause) {
    throw notAConfig(secret, format.key, { cause });
  }
  const auths = format === DOCKER_CONFIG_JSON && isRecord(parsed) ? parsed["auths"] : parsed;
  if (!isRecord(auths)) throw notAConfig(secret, format.key);
  return auths as Record<string, AuthEntry>;
}

function notAConfig(secret: KubeResource, key: string, options: ErrorOptions = {}): SpindleError {
  const name = `${secret.metadata.namespace ?? "default"}/${secret.metadata.name}`;
  return new SpindleError(`Secret ${name}: ${key} is not a Docker registry config`, {
    ...options,
    hint: `Recreate it with kubectl create secret docker-registry ${secret.metadata.name} …`,
  });
}
