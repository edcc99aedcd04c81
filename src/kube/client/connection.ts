/**
 * Where the API server is and how to authenticate to it: in a pod, the service account's token and CA
 * (`/var/run/secrets/kubernetes.io/serviceaccount`, `KUBERNETES_SERVICE_HOST`); elsewhere, the current
 * context of a kubeconfig (server, CA, bearer token or client certificate). Exec and auth-provider
 * plugins are not supported. Read once at start-up; the token file is re-read per request because bound
 * service account tokens rotate.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { SpindleError } from "../../errors.ts";

export interface Connection {
  /** `https://host:port` (or `http://` for a local test server). */
  readonly server: string;
  /** The bearer token for the next request, if the connection uses one. */
  readonly token?: () => string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly insecureSkipTlsVerify?: boolean;
  /** The namespace the context (or the pod) defaults to. */
  readonly namespace: string;
}

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The in-cluster connection, or `undefined` outside a pod. */
export function inClusterConnection(
  env: NodeJS.ProcessEnv = process.env,
  dir = SERVICE_ACCOUNT_DIR,
): Connection | undefined {
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"] ?? "443";
  if (host === undefined || host === "") return undefined;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    token: () => readFileSync(join(dir, "token"), "utf8").trim(),
    ca: readFileSync(join(dir, "ca.crt"), "utf8"),
    namespace: readOptional(join(dir, "namespace"))?.trim() || "default",
  };
}

function readOptional(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** `--kubeconfig`, else `$KUBECONFIG` (its first file), else `~/.kube/config`. */
export function kubeconfigPath(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit !== undefined) return explicit;
  const fromEnv = env["KUBECONFIG"]?.split(":").find((p) => p !== "");
  return fromEnv ?? join(homedir(), ".kube", "config");
}

interface Named<T> {
  readonly name?: string;
  readonly cluster?: T;
  readonly user?: T;
  readonly context?: T;
}
type Entry = Readonly<Record<string, unknown>>;

/** The connection of the kubeconfig's current context (or `context`). */
export function kubeconfigConnection(path: string, context?: string): Connection {
  const text = readOptional(path);
  if (text === undefined) {
    throw new SpindleError(`cannot read the kubeconfig ${path}`, {
      hint: "pass --kubeconfig <FILE>, set KUBECONFIG, or run inside a pod with a service account",
    });
  }
  const config = (parse(text) ?? {}) as Entry;
  const contextName = context ?? str(config["current-context"]);
  const { ctx, cluster, user } = currentEntries(config, contextName, path);
  const server = str(cluster["server"]);
  if (server === undefined) {
    throw new SpindleError(`${path}: the cluster of context "${contextName ?? ""}" has no server`, {
      hint: "set clusters[].cluster.server in the kubeconfig",
    });
  }
  const base = dirname(resolve(path));
  return {
    server,
    namespace: str(ctx["namespace"]) ?? "default",
    ...pem("ca", cluster, "certificate-authority", base),
    ...(cluster["insecure-skip-tls-verify"] === true ? { insecureSkipTlsVerify: true } : {}),
    ...userAuth(user, base, path),
  };
}

function currentEntries(config: Entry, contextName: string | undefined, path: string) {
  const ctx = find(config["contexts"], contextName, "context", path)?.context ?? {};
  const cluster = find(config["clusters"], str(ctx["cluster"]), "cluster", path)?.cluster ?? {};
  const user = find(config["users"], str(ctx["user"]), "user", path)?.user ?? {};
  return { ctx, cluster, user };
}

function userAuth(user: Entry, base: string, path: string): Partial<Connection> {
  if (user["exec"] !== undefined || user["auth-provider"] !== undefined) {
    throw new SpindleError(`${path}: exec and auth-provider credential plugins are not supported`, {
      hint: "use a kubeconfig with a token or a client certificate (e.g. a service account's)",
    });
  }
  const token = str(user["token"]);
  const tokenFile = str(user["tokenFile"]);
  const tokenFn =
    token !== undefined
      ? { token: () => token }
      : tokenFile !== undefined
        ? { token: () => readFileSync(resolve(base, tokenFile), "utf8").trim() }
        : {};
  return {
    ...tokenFn,
    ...pem("cert", user, "client-certificate", base),
    ...pem("key", user, "client-key", base),
  };
}

/** A PEM given inline (`<field>-data`, base64) or as a file (`<field>`, relative to the kubeconfig). */
function pem<K extends string>(key: K, entry: Entry, field: string, base: string): { [P in K]?: string } {
  const data = str(entry[`${field}-data`]);
  if (data !== undefined)
    return { [key]: Buffer.from(data, "base64").toString("utf8") } as { [P in K]?: string };
  const file = str(entry[field]);
  if (file !== undefined)
    return { [key]: readFileSync(resolve(base, file), "utf8") } as { [P in K]?: string };
  return {};
}

function find(list: unknown, name: string | undefined, what: string, path: string): Named<Entry> | undefined {
  if (name === undefined) return undefined;
  const found = (Array.isArray(list) ? (list as Named<Entry>[]) : []).find((e) => e.name === name);
  if (found === undefined) {
    throw new SpindleError(`${path}: ${what} "${name}" is not defined`, {
      hint: `add it to the kubeconfig's ${what}s, or pick another context`,
    });
  }
  return found;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** In a pod, the service account; otherwise the kubeconfig (what `kubectl` would use). */
export function resolveConnection(options: {
  readonly kubeconfig?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}): Connection {
  const env = options.env ?? process.env;
  if (options.kubeconfig === undefined && env["KUBECONFIG"] === undefined) {
    const inCluster = inClusterConnection(env);
    if (inCluster !== undefined) return inCluster;
  }
  return kubeconfigConnection(kubeconfigPath(options.kubeconfig, env));
}
