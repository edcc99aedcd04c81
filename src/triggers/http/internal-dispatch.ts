/**
 * Requests a component makes to its own app, served in-process without touching the network:
 * `http://<id>.spin.internal/…` goes straight to that component (private endpoints included) as if it had
 * matched `/...`, and a relative URL or `self` goes through the app's router. The outbound policy has
 * already checked `allowed_outbound_hosts` before anything reaches here. Built once per loaded app; the
 * routing tables are the ones of the app that is serving when the request is made.
 */
import { randomBytes } from "node:crypto";
import type { OutboundRequest, OutboundResponse } from "../../capabilities/outbound-http/outbound.ts";
import { OutboundError } from "../../capabilities/outbound-http/outbound.ts";
import type { InternalTarget } from "../../capabilities/outbound-http/policy.ts";
import {
  GuestFault,
  type HttpGuestResponse,
  type HttpHandler,
  type SpinRequestInfo,
} from "../../executors/http.ts";
import type { Router } from "./router.ts";
import { spinHeaders, spinRequestInfo } from "./spin-headers.ts";

export interface InternalRoutes {
  readonly router: Router;
  /** Handler per trigger id. */
  readonly handlers: ReadonlyMap<string, HttpHandler>;
  /** The trigger serving each component's chained requests: its first HTTP trigger. */
  readonly componentTriggers: ReadonlyMap<string, string>;
  /** `host:port` the app listens on, for `self` requests' `Host`. */
  readonly selfAuthority: string;
}

const CHAINED_CLIENT = { address: "0.0.0.0", port: 0 };

export async function dispatchInternal(
  routes: InternalRoutes,
  target: InternalTarget,
  request: OutboundRequest,
): Promise<OutboundResponse> {
  const path = request.url.split("?", 1)[0] ?? "/";
  let handler: HttpHandler | undefined;
  let spin: SpinRequestInfo;
  let authority: string;
  if ("component" in target) {
    handler = routes.handlers.get(routes.componentTriggers.get(target.component) ?? "");
    authority = `${target.component}.spin.internal`;
    spin = {
      fullUrl: `http://${authority}${request.url}`,
      pathInfo: path,
      matchedRoute: "/...",
      rawComponentRoute: "/...",
      componentRoute: "",
      basePath: "/",
      clientAddr: "0.0.0.0:0",
      params: [],
    };
  } else {
    const match = routes.router.match(path);
    if (match === undefined) return { status: 404, headers: [], body: empty() };
    handler = routes.handlers.get(match.entry.triggerId);
    authority = routes.selfAuthority;
    spin = spinRequestInfo({
      match,
      scheme: "http",
      host: authority,
      pathWithQuery: request.url,
      client: CHAINED_CLIENT,
    });
  }
  if (handler === undefined) {
    throw new OutboundError("destination-not-found", `no HTTP component serves ${request.url} in this app`);
  }
  const response = await handler
    .handle({
      method: request.method,
      scheme: "http",
      authority,
      pathWithQuery: request.url,
      headers: [...request.headers.filter(([name]) => !/^spin[-_]/i.test(name)), ...spinHeaders(spin)],
      body: request.body ?? empty(),
      protocol: "HTTP/1.1",
      spin,
      requestId: randomBytes(8).toString("hex"),
    })
    // A failing callee answers its caller as it would a client: an empty 500.
    .catch((error: unknown): HttpGuestResponse => {
      if (error instanceof GuestFault) return { status: 500, headers: [], body: new Uint8Array() };
      throw error;
    });
  return toOutbound(response);
}

function toOutbound(response: HttpGuestResponse): OutboundResponse {
  const { body } = response;
  return {
    status: response.status,
    headers: response.headers,
    body: body instanceof Uint8Array ? once(body) : body,
  };
}

// eslint-disable-next-line @typescript-eslint/require-await -- the simplest async iterable of one known chunk
async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  if (bytes.length > 0) yield bytes;
}

async function* empty(): AsyncIterable<Uint8Array> {}
