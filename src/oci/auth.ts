/**
 * The registry authentication flow: ping `/v2/` once to learn what the registry wants (nothing, Basic,
 * or a Bearer token service), then give each request the `Authorization` it needs for its scope
 * (`repository:<name>:pull[,push]`), fetching and caching one token per scope. Credentials are looked up
 * only when the registry asks for them. One per registry client; tokens live as long as the client.
 */
import { SpindleError } from "../errors.ts";
import { parseChallenges, type Challenge } from "./challenge.ts";
import type { Credentials } from "./credentials.ts";

export interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array<ArrayBuffer>;
}

/** One HTTP exchange, with the transport's retries: `url` is absolute. */
export type Send = (
  url: string,
  init: { method: string; headers: Record<string, string> },
) => Promise<Exchange>;

export interface AuthOptions {
  /** Registry name for messages and login hints, e.g. `127.0.0.1:5000`. */
  readonly registry: string;
  /** Base URL of the registry API, e.g. `http://127.0.0.1:5000`. */
  readonly baseUrl: string;
  readonly credentials: () => Promise<Credentials | undefined>;
  readonly send: Send;
}

type Scheme =
  | { readonly kind: "none" }
  | { readonly kind: "basic" }
  | { readonly kind: "bearer"; readonly challenge: Challenge };

export class RegistryAuth {
  readonly #options: AuthOptions;
  #scheme: Promise<Scheme> | undefined;
  #credentials: Promise<Credentials | undefined> | undefined;
  readonly #tokens = new Map<string, Promise<string>>();

  constructor(options: AuthOptions) {
    this.#options = options;
  }

  /** The `Authorization` value for a request in `scope`, or `undefined` when none is needed or known. */
  async authorization(scope: string): Promise<string | undefined> {
    const scheme = await this.#pinged();
    if (scheme.kind === "none") return undefined;
    const credentials = await this.#lookup();
    if (scheme.kind === "basic") return credentials === undefined ? undefined : basic(credentials);
    return this.#bearer(scheme.challenge, scope);
  }

  /**
   * After a 401: a fresh header when the registry's challenge asks for a token the cached one does not
   * cover (a different scope, or an expired token), else `undefined` (the 401 stands).
   */
  async reauthorize(scope: string, response: Exchange): Promise<string | undefined> {
    const challenge = pickChallenge(response.headers.get("www-authenticate") ?? "");
    if (challenge?.scheme !== "bearer") return undefined;
    const wanted = challenge.params["scope"] ?? scope;
    this.#tokens.delete(wanted);
    return this.#bearer(challenge, wanted);
  }

  /** Whether credentials are stored for the registry (for telling "log in" from "wrong login"). */
  async hasCredentials(): Promise<boolean> {
    return (await this.#lookup()) !== undefined;
  }

  /** Checks the credentials against the registry; throws a `SpindleError` when it refuses them. */
  async verify(): Promise<void> {
    const scheme = await this.#pinged();
    const credentials = await this.#lookup();
    if (scheme.kind === "none" || credentials === undefined) return;
    if (scheme.kind === "bearer") {
      await this.#fetchToken(scheme.challenge, undefined);
      return;
    }
    const url = `${this.#options.baseUrl}/v2/`;
    const response = await this.#options.send(url, {
      method: "GET",
      headers: { authorization: basic(credentials) },
    });
    if (response.status === 401) throw this.#rejected(url);
    if (response.status !== 200) throw unexpected(this.#options.registry, url, response.status);
  }

  #lookup(): Promise<Credentials | undefined> {
    this.#credentials ??= this.#options.credentials();
    return this.#credentials;
  }

  #pinged(): Promise<Scheme> {
    this.#scheme ??= this.#ping();
    return this.#scheme;
  }

  async #ping(): Promise<Scheme> {
    const url = `${this.#options.baseUrl}/v2/`;
    const response = await this.#options.send(url, { method: "GET", headers: {} });
    if (response.status === 200) return { kind: "none" };
    if (response.status !== 401) throw unexpected(this.#options.registry, url, response.status);
    const challenge = pickChallenge(response.headers.get("www-authenticate") ?? "");
    if (challenge?.scheme === "bearer") return { kind: "bearer", challenge };
    if (challenge?.scheme === "basic") return { kind: "basic" };
    throw new SpindleError(
      `${this.#options.registry} asks for an authentication scheme Spindle does not support`,
      {
        hint: `the registry answered ${url} with WWW-Authenticate: ${response.headers.get("www-authenticate") ?? "(none)"}`,
      },
    );
  }

  #bearer(challenge: Challenge, scope: string): Promise<string> {
    let token = this.#tokens.get(scope);
    if (token === undefined) {
      token = this.#fetchToken(challenge, scope).then((t) => `Bearer ${t}`);
      // A failed fetch is not cached: the next request asks again.
      token.catch(() => this.#tokens.delete(scope));
      this.#tokens.set(scope, token);
    }
    return token;
  }

  async #fetchToken(challenge: Challenge, scope: string | undefined): Promise<string> {
    const realm = challenge.params["realm"];
    if (realm === undefined) {
      throw new SpindleError(`${this.#options.registry} sent a Bearer challenge without a realm`, {
        hint: "the registry's token service is misconfigured",
      });
    }
    const url = new URL(realm);
    const service = challenge.params["service"];
    if (service !== undefined) url.searchParams.set("service", service);
    // A request touching two repositories (a cross-repository mount) needs one `scope` parameter each.
    for (const part of scope?.split(" ") ?? []) if (part !== "") url.searchParams.append("scope", part);
    const credentials = await this.#lookup();
    const headers: Record<string, string> =
      credentials === undefined ? {} : { authorization: basic(credentials) };
    const response = await this.#options.send(url.href, { method: "GET", headers });
    if (response.status === 401 || response.status === 403) throw this.#rejected(url.href);
    if (response.status !== 200) throw unexpected(this.#options.registry, url.href, response.status);
    return tokenOf(response, url.href);
  }

  #rejected(url: string): SpindleError {
    const { registry } = this.#options;
    return new SpindleError(`${registry} rejected the username or password (HTTP 401 from ${url})`, {
      hint: `log in again: spindle registry login ${registry} -u <user>`,
    });
  }
}

function pickChallenge(header: string): Challenge | undefined {
  const challenges = parseChallenges(header);
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

function tokenOf(response: Exchange, url: string): string {
  try {
    const body = JSON.parse(Buffer.from(response.body).toString("utf8")) as {
      token?: unknown;
      access_token?: unknown;
    };
    const token = body.token ?? body.access_token;
    if (typeof token === "string" && token !== "") return token;
  } catch {
    // Reported below.
  }
  throw new SpindleError(`the token service at ${url} answered without a token`, {
    hint: "the registry's token service is misconfigured",
  });
}

function unexpected(registry: string, url: string, status: number): SpindleError {
  return new SpindleError(`${registry} answered ${url} with HTTP ${status}`, {
    hint:
      status === 404
        ? "is this an OCI registry? Check the registry name"
        : "try again later, or check the registry",
  });
}
