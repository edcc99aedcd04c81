/**
 * OCI image references (`[registry/]repository[:tag][@sha256:…]`) parsed the way Docker and Spin read
 * them: the first path segment is a registry only if it has a `.` or `:` or is `localhost`; otherwise the
 * registry is Docker Hub, where a one-segment repository lives under `library/`. Pure; the entry point of
 * every registry operation.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { SpindleError } from "../errors.ts";
import { isSha256Digest } from "./digest.ts";

export interface Reference {
  /** Registry host with optional port, e.g. `docker.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  readonly registry: string;
  /** Repository path, e.g. `library/nginx`, `team/app`. */
  readonly repository: string;
  /** Absent when the reference names no tag (then `latest` is meant, unless there is a digest). */
  readonly tag?: string;
  readonly digest?: string;
}

export const DOCKER_HUB = "docker.io";

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const HOST =
  /^(?:\[[a-fA-F0-9:]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d{1,5})?$/;
const MAX_NAME = 255;
const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Parses `text` or throws a `SpindleError` saying what is wrong with it. */
export function parseReference(text: string): Reference {
  const at = text.indexOf("@");
  const named = at < 0 ? text : text.slice(0, at);
  const digest = at < 0 ? undefined : text.slice(at + 1);
  const colon = named.lastIndexOf(":");
  const hasTag = colon > named.lastIndexOf("/");
  const name = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : undefined;
  const { registry, repository } = splitName(name, text);
  if (tag !== undefined && !TAG.test(tag)) throw invalid(text, `"${tag}" is not a valid tag`);
  if (digest !== undefined && !isSha256Digest(digest)) {
    throw invalid(text, `"${digest}" is not a sha256 digest (sha256:<64 lower-case hex digits>)`);
  }
  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** Like `parseReference`, but `undefined` instead of an error. */
export function tryParseReference(text: string): Reference | undefined {
  try {
    return parseReference(text);
  } catch {
    return undefined;
  }
}

function splitName(name: string, text: string): { registry: string; repository: string } {
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const isRegistry = first.includes(".") || first.includes(":") || first === "localhost";
  const registry = !isRegistry || first === "index.docker.io" ? DOCKER_HUB : first;
  if (isRegistry && !HOST.test(first)) throw invalid(text, `"${first}" is not a valid registry host`);
  const path = isRegistry ? name.slice(slash + 1) : name;
  const repository = registry === DOCKER_HUB && !path.includes("/") ? `library/${path}` : path;
  checkRepository(repository, text);
  if (registry.length + 1 + repository.length > MAX_NAME) {
    throw invalid(text, `the name is longer than ${MAX_NAME} characters`);
  }
  return { registry, repository };
}

function checkRepository(repository: string, text: string): void {
  const bad = repository.split("/").find((c) => !COMPONENT.test(c));
  if (bad === undefined) return;
  const problem =
    bad === "" ? "the repository name is empty" : `"${bad}" is not a valid repository name part`;
  throw invalid(text, problem, bad.toLowerCase() !== bad ? "repository names must be lower-case" : undefined);
}

function invalid(text: string, problem: string, hint?: string): SpindleError {
  return new SpindleError(`invalid registry reference '${text}': ${problem}`, {
    hint: hint ?? "write it as [registry/]repository[:tag][@sha256:<digest>], e.g. ghcr.io/me/app:v1",
  });
}

/** The canonical text of a reference: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: Reference): string {
  const tag = ref.tag === undefined ? "" : `:${ref.tag}`;
  const digest = ref.digest === undefined ? "" : `@${ref.digest}`;
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}

/** The tag or digest to request a manifest by: the digest wins, then the tag, then `latest`. */
export function manifestSelector(ref: Reference): string {
  return ref.digest ?? ref.tag ?? "latest";
}

/** Host name part of a registry (`[::1]:5000` → `::1`, `localhost:5000` → `localhost`). */
export function registryHostname(registry: string): string {
  if (registry.startsWith("[")) return registry.slice(1, registry.indexOf("]"));
  const colon = registry.lastIndexOf(":");
  return colon < 0 ? registry : registry.slice(0, colon);
}

/** Registries on this machine, which Spindle talks to over plain HTTP. */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registryHostname(registry).toLowerCase();
  return host === "localhost" || host === "::1" || LOOPBACK_V4.test(host) || host.endsWith(".localhost");
}

/** Where the registry's API answers: Docker Hub's API host differs from its name in references. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? "registry-1.docker.io" : registry;
}

/** A registry named on its own (`spindle registry login <x>`): scheme and path dropped, Docker Hub aliases merged. */
export function parseRegistryName(text: string): string {
  const host = text.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  if (!HOST.test(host)) {
    throw new SpindleError(`'${text}' is not a registry host`, {
      hint: "name it like ghcr.io or 127.0.0.1:5000",
    });
  }
  const lower = host.toLowerCase();
  return lower === "index.docker.io" || lower === "registry-1.docker.io" ? DOCKER_HUB : host;
}

/**
 * Spin's rule for `up -f <from>`: a registry reference only if `from` is not an existing path, parses as
 * a reference, and either names a tag or digest, or names a registry other than Docker Hub (a bare
 * `dir/spin.toml` parses as a Docker Hub reference, so Docker Hub counts only when the text says
 * "docker").
 */
export function looksLikeReference(from: string, cwd: string = process.cwd()): boolean {
  if (existsSync(resolve(cwd, from))) return false;
  const ref = tryParseReference(from);
  if (ref === undefined) return false;
  return (
    ref.tag !== undefined ||
    ref.digest !== undefined ||
    ref.registry !== DOCKER_HUB ||
    from.includes("docker")
  );
}
