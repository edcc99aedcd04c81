/**
 * `wasi:http/outgoing-handler.handle`: turns the guest's `outgoing-request` into an `OutboundRequest` and
 * hands it to the component's `OutboundHttp`, which decides and sends. `handle` itself always succeeds;
 * a denied or failed request surfaces as an `error-code` when the guest reads the future (as Spin does),
 * never as a trap. The `Host` header is dropped: the URL's authority decides where the request goes.
 * One future per outbound request.
 */
import type { OutboundHttp, OutboundRequest } from "../outbound-http/outbound.ts";
import { Pollable, settledReadiness } from "../wasi/p2/pollable.ts";
import { errorCodeOf, type ErrorCode } from "./error-code.ts";
import { IncomingResponse } from "./incoming.ts";
import type { OutgoingRequest, RequestOptions } from "./outgoing.ts";

type Outcome = { tag: "ok"; val: IncomingResponse } | { tag: "err"; val: ErrorCode };

export class FutureIncomingResponse {
  readonly #settled: Promise<unknown>;
  #outcome: Outcome | undefined;
  #taken = false;

  constructor(response: Promise<IncomingResponse>) {
    this.#settled = response.then(
      (val) => (this.#outcome = { tag: "ok", val }),
      (error: unknown) => (this.#outcome = { tag: "err", val: errorCodeOf(error) }),
    );
  }

  subscribe(): Pollable {
    return new Pollable(settledReadiness(this.#settled));
  }

  get(): { tag: "ok"; val: Outcome } | { tag: "err"; val: undefined } | undefined {
    if (this.#outcome === undefined) return undefined;
    if (this.#taken) return { tag: "err", val: undefined };
    this.#taken = true;
    return { tag: "ok", val: this.#outcome };
  }
}

function nsToMs(ns: bigint | undefined): number | undefined {
  return ns === undefined ? undefined : Number(ns / 1_000_000n);
}

function urlOf(request: OutgoingRequest): string {
  const path = request.pathWithQuery() ?? "/";
  const authority = request.authority();
  if (authority === undefined || authority === "") return path;
  const scheme = request.scheme();
  const name =
    scheme === undefined || scheme.tag === "HTTPS" ? "https" : scheme.tag === "HTTP" ? "http" : scheme.val;
  return `${name ?? "https"}://${authority}${path}`;
}

/** The host's view of what the guest asked to send. */
export function outboundRequestOf(
  request: OutgoingRequest,
  options: RequestOptions | undefined,
): OutboundRequest {
  return {
    method: request.methodName(),
    url: urlOf(request),
    headers: request.headerList().filter(([name]) => name !== "host"),
    body: request.bodyTaken ? request.queue : undefined,
    connectTimeoutMs: nsToMs(options?.connectTimeout()),
    firstByteTimeoutMs: nsToMs(options?.firstByteTimeout()),
    betweenBytesTimeoutMs: nsToMs(options?.betweenBytesTimeout()),
  };
}

export function outgoingHandler(outbound: OutboundHttp): { handle: object } {
  return {
    handle(request: OutgoingRequest, options: RequestOptions | undefined): FutureIncomingResponse {
      const sent = Promise.resolve(outboundRequestOf(request, options))
        .then((outboundRequest) => outbound.send(outboundRequest))
        .then((response) => new IncomingResponse(response.status, response.headers, response.body));
      return new FutureIncomingResponse(sent);
    },
  };
}
