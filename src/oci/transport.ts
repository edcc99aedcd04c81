/**
 * HTTP to one registry: picks the scheme (plain HTTP only for loopback registries or when asked with
 * `--insecure`), sends each exchange through the retry policy, reads the whole body, and adds the
 * `Authorization` the auth flow gives for the request's scope, asking again once after a 401. One per
 * registry client; holds no connection state of its own.
 */
import { SpindleError } from "../errors.ts";
import { RegistryAuth, type Exchange } from "./auth.ts";
import type { Credentials } from "./credentials.ts";
import { apiHost, isLoopbackRegistry } from "./reference.ts";
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from "./retry.ts";

export interface TransportOptions {
  readonly registry: string;
  readonly insecure?: boolean;
  readonly credentials: () => Promise<Credentials | undefined>;
  readonly fetch?: typeof fetch;
  readonly retry?: RetryPolicy;
}

export interface RequestSpec {
  readonly method: string;
  /** An API path (`/v2/…`) or an absolute URL (an upload `Location`). */
  readonly target: string;
  /** The token scope the request needs, e.g. `repository:team/app:pull`. */
  readonly scope: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array<ArrayBuffer>;
}

export class RegistryTransport {
  readonly registry: string;
  readonly baseUrl: string;
  readonly auth: RegistryAuth;
  readonly #fetch: typeof fetch;
  readonly #retry: RetryPolicy;

  constructor(options: TransportOptions) {
    this.registry = options.registry;
    const plain = options.insecure === true || isLoopbackRegistry(options.registry);
    this.baseUrl = `${plain ? "http" : "https"}://${apiHost(options.registry)}`;
    this.#fetch = options.fetch ?? fetch;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.auth = new RegistryAuth({
      registry: options.registry,
      baseUrl: this.baseUrl,
      credentials: options.credentials,
      send: (url, init) => this.#send(url, init),
    });
  }

  /** Sends an authorised request; a 401 is retried once with a fresh token when the registry wants one. */
  async request(spec: RequestSpec): Promise<Exchange> {
    const url = new URL(spec.target, this.baseUrl).href;
    const authorization = await this.auth.authorization(spec.scope);
    const response = await this.#send(url, withAuth(spec, authorization));
    if (response.status !== 401) return response;
    const fresh = await this.auth.reauthorize(spec.scope, response);
    return fresh === undefined || fresh === authorization ? response : this.#send(url, withAuth(spec, fresh));
  }

  async #send(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: Uint8Array<ArrayBuffer> },
  ) {
    try {
      return await withRetry(
        async (signal) => {
          const response = await this.#fetch(url, { ...init, signal, redirect: "follow" });
          return {
            status: response.status,
            headers: response.headers,
            body: new Uint8Array(await response.arrayBuffer()),
          };
        },
        (response) => response.status >= 500 || response.status === 429,
        this.#retry,
      );
    } catch (cause) {
      throw new SpindleError(
        `could not reach registry ${this.registry} (${init.method} ${url}): ${describe(cause)}`,
        {
          cause,
          hint: `tried ${this.#retry.attempts} times; check that the registry is running and reachable${
            this.baseUrl.startsWith("https:") ? " (for a registry without TLS, pass --insecure)" : ""
          }`,
        },
      );
    }
  }
}

function withAuth(spec: RequestSpec, authorization: string | undefined) {
  const headers: Record<string, string> = { ...spec.headers };
  if (authorization !== undefined) headers["authorization"] = authorization;
  return { method: spec.method, headers, ...(spec.body === undefined ? {} : { body: spec.body }) };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "timed out";
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return cause === undefined
    ? error.message
    : `${error.message} (${typeof code === "string" ? code : cause.message})`;
}
