/**
 * Pod volumes and container mounts of a Spin app, in SpinKube's order: the runtime-config Secret, the
 * user's own, then the CA bundle. Both operator volumes are `optional` Secret volumes mounted read-only by
 * sub-path. Pure.
 */
import type { KubeObject, SpinApp } from "../model/types.ts";
import { RUNTIME_CONFIG_KEY } from "./runtime-config.ts";

const CA_KEY = "ca-certificates.crt";

export interface PodStorage {
  readonly volumes: KubeObject[];
  readonly volumeMounts: KubeObject[];
}

function secretFile(name: string, secretName: string, key: string, mountPath: string): PodStorage {
  return {
    volumes: [{ name, secret: { secretName, optional: true, items: [{ key, path: key }] } }],
    volumeMounts: [{ name, readOnly: true, mountPath, subPath: key }],
  };
}

/**
 * `runtimeConfigSecret` is the generated Secret or the user's `loadFromSecret`; `caSecret` the resolved CA
 * Secret name; either may be absent.
 */
export function buildStorage(
  app: SpinApp,
  runtimeConfigSecret: string | undefined,
  caSecret: string | undefined,
): PodStorage {
  const parts: PodStorage[] = [];
  if (runtimeConfigSecret !== undefined) {
    parts.push(
      secretFile("spin-runtime-config", runtimeConfigSecret, RUNTIME_CONFIG_KEY, `/${RUNTIME_CONFIG_KEY}`),
    );
  }
  parts.push({ volumes: [...(app.spec.volumes ?? [])], volumeMounts: [...(app.spec.volumeMounts ?? [])] });
  if (caSecret !== undefined) parts.push(secretFile("spin-ca", caSecret, CA_KEY, `/etc/ssl/certs/${CA_KEY}`));
  return {
    volumes: parts.flatMap((p) => p.volumes),
    volumeMounts: parts.flatMap((p) => p.volumeMounts),
  };
}
