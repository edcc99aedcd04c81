/**
 * The outbound HTTP policy of one component: every request is checked against the component's allow-list
 * first, whatever its destination, then sent where it points — another component of this app
 * (`<id>.spin.internal`), the app itself (a path alone, or host `self`/`self.alt`, routed by the trigger),
 * or the network. A denied request is logged once with the manifest line that would allow it. Built once
 * per component at load time; `send` is per request.
 */
import type { Logger } from "../../observe/logger.ts";
import { noopObserver, type Observer } from "../../observe/observer.ts";
import { withoutCredentials } from "../../util/url-credentials.ts";
import { allowsTarget, suggestEntryFor, type AllowList } from "./allow-list.ts";
import { sendOverNetwork, type FetchFunction } from "./network.ts";
import { parseOutboundUrl, type OutboundTarget } from "./outbound-url.ts";
import { OutboundError, type OutboundHttp, type OutboundRequest, type OutboundResponse } from "./outbound.ts";

/** Where an in-app request goes: a component by id, or the app's own router. */
export type InternalTarget = { readonly component: string } | { readonly self: true };

/**
 * Serves a request inside this app. The request's `url` is the path and query (`/a?b`) and it carries no
 * `Host` header.
 */
export type DispatchInternal = (
  target: InternalTarget,
  request: OutboundRequest,
) => Promise<OutboundResponse>;

export interface OutboundHttpOptions {
  /** The component making the requests, for the log. */
  readonly component: string;
  readonly allowList: AllowList;
  /** Every component id of the app, to resolve `<id>.spin.internal`. */
  readonly componentIds: readonly string[];
  readonly logger: Logger;
  /** Told about each request sent over the network (tracing adds `traceparent`); none when absent. */
  readonly observer?: Observer | undefined;
  readonly dispatchInternal: DispatchInternal;
  /** The network; the global `fetch` when absent. */
  readonly fetch?: FetchFunction;
}

const INTERNAL_SUFFIX = ".spin.internal";

export function createOutboundHttp(options: OutboundHttpOptions): OutboundHttp {
  const fetchImpl = options.fetch ?? fetch;
  const internalIds = new Map(options.componentIds.map((id) => [id.toLowerCase(), id]));
  return {
    send(request) {
      // Async so every failure, thrown or not, reaches the caller as a rejection.
      return Promise.resolve().then(() => {
        const target = parseOutboundUrl(request.url);
        if (target === undefined) {
          throw new OutboundError(
            "HTTP-request-URI-invalid",
            `invalid outbound URL ${JSON.stringify(request.url)}`,
          );
        }
        if (!allowsTarget(target, options.allowList)) throw deny(options, target);
        return route(target, request, { options, fetchImpl, internalIds });
      });
    },
  };
}

function deny(options: OutboundHttpOptions, target: OutboundTarget): OutboundError {
  const url = target.kind === "self" ? target.path : withoutCredentials(target.url);
  const fix = suggestEntryFor(target);
  options.logger.warn(
    `component "${options.component}" may not send HTTP requests to ${url}; to allow it, add ${fix} to [component.${options.component}] in spin.toml`,
    { component: options.component, url },
  );
  return new OutboundError("HTTP-request-denied", `destination not allowed: ${url} (needs ${fix})`);
}

interface Routing {
  readonly options: OutboundHttpOptions;
  readonly fetchImpl: FetchFunction;
  readonly internalIds: ReadonlyMap<string, string>;
}

function route(
  target: OutboundTarget,
  request: OutboundRequest,
  routing: Routing,
): Promise<OutboundResponse> {
  const { options } = routing;
  if (target.kind === "self") return options.dispatchInternal({ self: true }, inApp(request, target.path));
  const { url } = target;
  if (target.host.endsWith(INTERNAL_SUFFIX)) {
    const id = routing.internalIds.get(target.host.slice(0, -INTERNAL_SUFFIX.length));
    if (id === undefined) {
      throw new OutboundError(
        "destination-not-found",
        `no component "${target.host.slice(0, -INTERNAL_SUFFIX.length)}" in this app (${target.host})`,
      );
    }
    return options.dispatchInternal({ component: id }, inApp(request, `${url.pathname}${url.search}`));
  }
  if (target.scheme !== "http" && target.scheme !== "https") {
    throw new OutboundError(
      "HTTP-request-URI-invalid",
      `unsupported scheme "${target.scheme}" in ${url.origin}`,
    );
  }
  return sendObserved(url, request, routing);
}

async function sendObserved(url: URL, request: OutboundRequest, routing: Routing): Promise<OutboundResponse> {
  const observer = routing.options.observer ?? noopObserver;
  const observation = observer.outbound({
    component: routing.options.component,
    method: request.method,
    url: `${url.origin}${url.pathname}`,
  });
  const headers = [...request.headers, ...observation.headers];
  try {
    const response = await sendOverNetwork(url, { ...request, headers }, routing.fetchImpl);
    observation.end({ status: response.status });
    return response;
  } catch (error) {
    observation.end({ error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

function inApp(request: OutboundRequest, path: string): OutboundRequest {
  return {
    ...request,
    url: path,
    headers: request.headers.filter(([name]) => name.toLowerCase() !== "host"),
  };
}
