/**
 * Turns a validated manifest into a locked app: component sources checked and pinned (downloaded and
 * digest-verified for `{ url, digest }` sources), files resolved to the exact list the guest may read,
 * triggers and variables copied into Spin's lock shape. Runs once per `spindle up`; the result is what the
 * runtime loads, whatever the app's origin.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ComponentDecl, Manifest, TriggerDecl } from "../manifest/schema.ts";
import { ManifestError } from "../manifest/errors.ts";
import type { LockedApp, LockedComponent, LockedTrigger, LockedVariable } from "./locked.ts";
import { resolveComponentFiles } from "./files.ts";
import { fetchVerified } from "./url-source.ts";

export interface LockOptions {
  /** Directory for downloaded component sources (content-addressed by digest). */
  readonly cacheDir: string;
}

export async function lockManifest(manifest: Manifest, options: LockOptions): Promise<LockedApp> {
  const components: LockedComponent[] = [];
  for (const component of manifest.components.values()) {
    components.push(await lockComponent(manifest, component, options));
  }
  const triggerTypes = [...new Set(manifest.triggers.map((t) => t.type))];
  const { application } = manifest;
  return {
    spin_lock_version: 0,
    metadata: {
      name: application.name,
      ...(application.version === undefined ? {} : { version: application.version }),
      ...(application.description === undefined ? {} : { description: application.description }),
      authors: application.authors,
      triggers: application.triggerSettings,
      ...(triggerTypes.length === 1 ? { trigger: { type: triggerTypes[0] } } : {}),
      origin: pathToFileURL(manifest.file).href,
    },
    variables: Object.fromEntries([...manifest.variables].map(([name, decl]) => [name, lockVariable(decl)])),
    triggers: manifest.triggers.map(lockTrigger),
    components,
  };
}

function lockVariable(decl: Manifest["variables"] extends ReadonlyMap<string, infer V> ? V : never) {
  const locked: LockedVariable = {
    ...(decl.default === undefined ? {} : { default: decl.default }),
    ...(decl.description === undefined ? {} : { description: decl.description }),
    ...(decl.secret ? { secret: true } : {}),
  };
  return locked;
}

function lockTrigger(trigger: TriggerDecl): LockedTrigger {
  const config: Record<string, unknown> = { ...trigger.config, component: trigger.component };
  if (trigger.http !== undefined) {
    const { route, executor } = trigger.http;
    config["route"] = route.kind === "private" ? { private: true } : route.route;
    if (executor.type !== "http") config["executor"] = { ...executor };
  }
  return { id: trigger.id, trigger_type: trigger.type, trigger_config: config };
}

async function lockComponent(
  manifest: Manifest,
  component: ComponentDecl,
  options: LockOptions,
): Promise<LockedComponent> {
  const files = resolveComponentFiles(manifest, component);
  return {
    id: component.id,
    metadata: {
      ...(component.description === undefined ? {} : { description: component.description }),
      allowed_outbound_hosts: component.allowedOutboundHosts,
      key_value_stores: component.keyValueStores,
      databases: component.sqliteDatabases,
      ai_models: component.aiModels,
    },
    source: { content_type: "application/wasm", ...(await lockSource(manifest, component, options)) },
    env: Object.fromEntries(component.environment),
    files: files.map((f) => ({ source: pathToFileURL(f.hostPath).href, path: f.guestPath })),
    config: Object.fromEntries(component.variables),
  };
}

async function lockSource(manifest: Manifest, component: ComponentDecl, options: LockOptions) {
  const keyPath = `component.${component.id}.source`;
  const where = { file: manifest.file, line: manifest.keyLines.get(keyPath), keyPath };
  const { source } = component;
  if (source.kind === "url") {
    const path = await fetchVerified(source.url, source.digest, { cacheDir: options.cacheDir, where });
    return { source: pathToFileURL(path).href, digest: source.digest };
  }
  const path = resolve(manifest.dir, source.path);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) {
    const hasBuild = component.build !== undefined;
    throw new ManifestError(where, `component source "${source.path}" does not exist (looked for ${path})`, {
      hint: hasBuild
        ? "build it first: `spindle build` (or `spindle up --build`)"
        : "fix the path in `source`",
    });
  }
  if (!stat.isFile()) {
    throw new ManifestError(where, `component source "${source.path}" is not a file`, {
      hint: "point `source` at a .wasm file",
    });
  }
  return { source: pathToFileURL(path).href };
}
