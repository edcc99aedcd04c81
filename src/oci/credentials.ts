/**
 * Registry credentials in Docker's `config.json` (`$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`), so `docker login`, skopeo and Spindle share one login. Reads `credHelpers`
 * (per registry), `auths` (base64 `user:password`) and `credsStore` (the default helper), in that order;
 * helpers run as `docker-credential-<name> get`. Writes only `auths`, keeping every other key. Called
 * lazily, when a registry first asks for authentication.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { SpindleError } from "../errors.ts";
import { DOCKER_HUB } from "./reference.ts";

export interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** Runs credential helper `helper` (the part after `docker-credential-`) with `get`, returning its stdout. */
export type HelperRunner = (helper: string, serverUrl: string) => Promise<string>;

export interface CredentialOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly runHelper?: HelperRunner;
}

/** One registry's login in a Docker config's `auths` (or a Kubernetes pull Secret's). */
export interface AuthEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [other: string]: unknown;
}

const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

export function dockerConfigPath(env: NodeJS.ProcessEnv): string {
  return join(env["DOCKER_CONFIG"] ?? join(env["HOME"] ?? homedir(), ".docker"), "config.json");
}

/** The key Docker files a registry's login under. */
function configKey(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_KEY : registry;
}

/** `https://index.docker.io/v1/` and `registry-1.docker.io` → `docker.io`; scheme and path dropped. */
function normalizeKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").split("/")[0] ?? "";
  return host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB : host;
}

/** The stored credentials for `registry`, or `undefined` when there are none. */
export async function findCredentials(
  registry: string,
  options: CredentialOptions,
): Promise<Credentials | undefined> {
  const path = dockerConfigPath(options.env);
  const config = readConfig(path);
  const run = options.runHelper ?? runCredentialHelper;
  const helper = Object.entries(config.credHelpers ?? {}).find(
    ([key]) => normalizeKey(key) === registry,
  )?.[1];
  if (helper !== undefined) return fromHelper(helper, registry, run);
  const fromFile = credentialsInAuths(config.auths, registry, {
    source: path,
    hint: `log in again: spindle registry login ${registry}`,
  });
  if (fromFile !== undefined) return fromFile;
  return config.credsStore === undefined ? undefined : fromHelper(config.credsStore, registry, run);
}

/**
 * The login for `registry` in an `auths` map, whose keys may be hosts or URLs (`https://index.docker.io/v1/`
 * for Docker Hub); `undefined` when it has none. `source` names the map in errors, with `hint`.
 */
export function credentialsInAuths(
  auths: Readonly<Record<string, AuthEntry>> | undefined,
  registry: string,
  where: { readonly source: string; readonly hint: string },
): Credentials | undefined {
  const entry = Object.entries(auths ?? {}).find(([key]) => normalizeKey(key) === registry)?.[1];
  if (entry === undefined) return undefined;
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  if (entry.auth === undefined || entry.auth === "") return undefined;
  const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) {
    throw new SpindleError(`${where.source}: the login for ${registry} is not base64 "user:password"`, {
      hint: where.hint,
    });
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

async function fromHelper(
  helper: string,
  registry: string,
  run: HelperRunner,
): Promise<Credentials | undefined> {
  let output: string;
  try {
    output = await run(helper, configKey(registry));
  } catch {
    // Helpers exit non-zero when they hold nothing for the server: that is "no credentials".
    return undefined;
  }
  try {
    const parsed = JSON.parse(output) as { Username?: unknown; Secret?: unknown };
    if (typeof parsed.Username === "string" && typeof parsed.Secret === "string") {
      return { username: parsed.Username, password: parsed.Secret };
    }
  } catch {
    // Reported below with the helper's name.
  }
  throw new SpindleError(`docker-credential-${helper} returned no usable credentials for ${registry}`, {
    hint: "check the credential helper named in your Docker config.json",
  });
}

const runCredentialHelper: HelperRunner = (helper, serverUrl) =>
  new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ["get"], { timeout: 30_000 }, (error, stdout) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`docker-credential-${helper} get failed`, { cause: error }));
    });
    child.stdin?.end(serverUrl);
  });

/** Stores `credentials` for `registry` under `auths`; returns the config file's path. */
export function saveCredentials(registry: string, credentials: Credentials, env: NodeJS.ProcessEnv): string {
  const path = dockerConfigPath(env);
  const config = readConfig(path);
  const auths = withoutRegistry(config.auths ?? {}, registry);
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
  writeConfig(path, { ...config, auths: { ...auths, [configKey(registry)]: { auth } } });
  return path;
}

/** Removes the stored login for `registry`; false when there was none. */
export function removeCredentials(registry: string, env: NodeJS.ProcessEnv): boolean {
  const path = dockerConfigPath(env);
  const config = readConfig(path);
  const auths = config.auths ?? {};
  const kept = withoutRegistry(auths, registry);
  if (Object.keys(kept).length === Object.keys(auths).length) return false;
  writeConfig(path, { ...config, auths: kept });
  return true;
}

function withoutRegistry<T>(auths: Record<string, T>, registry: string): Record<string, T> {
  return Object.fromEntries(Object.entries(auths).filter(([key]) => normalizeKey(key) !== registry));
}

function readConfig(path: string): DockerConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as DockerConfig;
  } catch (cause) {
    throw new SpindleError(`${path} is not valid JSON: ${(cause as Error).message}`, {
      cause,
      hint: "fix or remove the Docker config file",
    });
  }
  throw new SpindleError(`${path} does not hold a JSON object`, {
    hint: "fix or remove the Docker config file",
  });
}

function writeConfig(path: string, config: DockerConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(config, null, "\t")}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
