/**
 * HTTP to the API server for the Kubernetes client: JSON requests and the newline-delimited JSON stream
 * of a watch. Built on `node:https` rather than `fetch` because a cluster's own CA and client
 * certificates must apply to this connection only, which `fetch` cannot express without a separate HTTP
 * library. One per client; keeps connections alive.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { createInterface } from "node:readline";
import { apiError, KubeApiError } from "./api-error.ts";
import type { Connection } from "./connection.ts";

export interface ApiRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path and query, e.g. `/api/v1/namespaces/default/secrets?labelSelector=a%3Db`. */
  readonly path: string;
  readonly body?: unknown;
  readonly contentType?: string;
  /** What the request is for, in error messages. */
  readonly what: string;
  readonly signal?: AbortSignal;
}

export class KubeTransport {
  readonly #connection: Connection;
  readonly #agent: HttpAgent;
  readonly #secure: boolean;

  constructor(connection: Connection) {
    this.#connection = connection;
    this.#secure = connection.server.startsWith("https:");
    this.#agent = this.#secure
      ? new HttpsAgent({
          keepAlive: true,
          ...(connection.ca === undefined ? {} : { ca: connection.ca }),
          ...(connection.cert === undefined ? {} : { cert: connection.cert }),
          ...(connection.key === undefined ? {} : { key: connection.key }),
          rejectUnauthorized: connection.insecureSkipTlsVerify !== true,
        })
      : new HttpAgent({ keepAlive: true });
  }

  /** Sends the request and resolves with the decoded JSON body; a non-2xx answer throws `KubeApiError`. */
  async json(spec: ApiRequest): Promise<unknown> {
    const response = await this.#open(spec).catch((error: unknown) => {
      // A kept-alive connection the server closed while idle fails on reuse. One more attempt is safe:
      // the operator's requests are idempotent (apply, get, put with a resourceVersion) or tolerate a
      // repeat (a create answered AlreadyExists).
      if (!isReset(error)) throw error;
      return this.#open(spec);
    });
    const text = await readText(response);
    const body = parseJson(text);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) throw apiError(spec.what, status, body);
    return body;
  }

  /** The lines of a streaming answer (a watch), each decoded; ends when the server closes the stream. */
  async *lines(spec: ApiRequest): AsyncGenerator<unknown> {
    const response = await this.#open(spec);
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299) throw apiError(spec.what, status, parseJson(await readText(response)));
    const reader = createInterface({ input: response, crlfDelay: Infinity });
    try {
      for await (const line of reader) if (line.trim() !== "") yield parseJson(line);
    } finally {
      reader.close();
      response.destroy();
    }
  }

  close(): void {
    this.#agent.destroy();
  }

  #open(spec: ApiRequest): Promise<IncomingMessage> {
    const url = new URL(spec.path, this.#connection.server);
    const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const headers: Record<string, string> = { accept: "application/json" };
    const token = this.#connection.token?.();
    if (token !== undefined) headers["authorization"] = `Bearer ${token}`;
    if (payload !== undefined) {
      headers["content-type"] = spec.contentType ?? "application/json";
      headers["content-length"] = String(payload.length);
    }
    const send = this.#secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(url, {
        method: spec.method,
        headers,
        agent: this.#agent,
        ...(spec.signal === undefined ? {} : { signal: spec.signal }),
      });
      request.once("response", resolve);
      request.once("error", (cause) => reject(unreachable(spec.what, this.#connection.server, cause)));
      request.end(payload);
    });
  }
}

function unreachable(what: string, server: string, cause: Error): Error {
  if (cause.name === "AbortError") return cause;
  return new KubeApiError(`${what}: cannot reach the API server ${server} (${cause.message})`, {
    status: 0,
    reason: "Unreachable",
    cause,
    hint: "check the server address in the kubeconfig and that the cluster is up",
  });
}

function isReset(error: unknown): boolean {
  const cause =
    error instanceof KubeApiError ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  return cause?.code === "ECONNRESET" || cause?.code === "EPIPE";
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return { message: text.slice(0, 200) };
  }
}
