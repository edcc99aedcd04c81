/**
 * Sends an allowed outbound request over the network with `fetch` (undici): the body is streamed
 * (`duplex: "half"`), redirects are handed back to the guest rather than followed, response headers are
 * passed through, and failures become `OutboundError`s with the `wasi:http` error code that names them
 * (`mapNetworkError`). The policy decides before this runs; this module never checks the allow-list.
 */
import { OutboundError, type OutboundRequest, type OutboundResponse } from "./outbound.ts";
import { mapNetworkError } from "./network-errors.ts";

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Hop-by-hop headers describe one connection, not the request; fetch manages its own. */
const DROPPED_HEADERS = new Set([
  "host",
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
]);

/** Sends `request` to the absolute `url`. */
export async function sendOverNetwork(
  url: URL,
  request: OutboundRequest,
  fetchImpl: FetchFunction,
): Promise<OutboundResponse> {
  const controller = new AbortController();
  const headerTimeout = sum(request.connectTimeoutMs, request.firstByteTimeoutMs);
  const timer = armTimer(controller, headerTimeout, "connection-timeout");
  let response: Response;
  try {
    response = await fetchImpl(url.href, requestInit(request, controller.signal));
  } catch (error) {
    throw mapNetworkError(error, url, controller.signal);
  } finally {
    clearTimeout(timer);
  }
  return {
    status: response.status,
    headers: responseHeaders(response),
    body: responseBody(response, url, controller, request.betweenBytesTimeoutMs),
  };
}

function requestInit(request: OutboundRequest, signal: AbortSignal): RequestInit {
  const headers = new Headers();
  try {
    for (const [name, value] of request.headers) {
      if (!DROPPED_HEADERS.has(name.toLowerCase())) headers.append(name, value);
    }
  } catch (cause) {
    throw new OutboundError("HTTP-protocol-error", `invalid request header: ${(cause as Error).message}`, {
      cause,
    });
  }
  // fetch would otherwise ask for compression and decode the body while keeping the encoding headers.
  if (!headers.has("accept-encoding")) headers.set("accept-encoding", "identity");
  const hasBody = request.body !== undefined && request.method !== "GET" && request.method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = {
    method: request.method,
    headers,
    redirect: "manual",
    signal,
  };
  if (hasBody && request.body !== undefined) {
    init.body = toStream(request.body);
    init.duplex = "half";
  }
  return init;
}

function toStream(body: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  return new ReadableStream({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done === true) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function responseHeaders(response: Response): [string, string][] {
  const headers: [string, string][] = [];
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") headers.push([name, value]);
  }
  for (const cookie of response.headers.getSetCookie()) headers.push(["set-cookie", cookie]);
  return headers;
}

async function* responseBody(
  response: Response,
  url: URL,
  controller: AbortController,
  betweenBytesMs: number | undefined,
): AsyncIterable<Uint8Array> {
  if (response.body === null) return;
  const reader = response.body.getReader();
  let done = false;
  try {
    while (!done) {
      const timer = armTimer(controller, betweenBytesMs, "HTTP-response-timeout");
      const chunk = await reader.read().finally(() => clearTimeout(timer));
      done = chunk.done;
      if (!chunk.done) yield chunk.value;
    }
  } catch (error) {
    done = true;
    throw mapNetworkError(error, url, controller.signal);
  } finally {
    // A guest that stops reading early must not keep the connection busy.
    if (!done) await reader.cancel();
    reader.releaseLock();
  }
}

function armTimer(
  controller: AbortController,
  ms: number | undefined,
  code: OutboundError["code"],
): NodeJS.Timeout | undefined {
  if (ms === undefined) return undefined;
  return setTimeout(() => controller.abort(new OutboundError(code, `no response within ${ms} ms`)), ms);
}

function sum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}
