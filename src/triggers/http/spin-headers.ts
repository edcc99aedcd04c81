/**
 * The request facts Spin hands every component beside the request itself (reference §2.6): computed from
 * the router's match and the connection, as a `SpinRequestInfo` for the executors and as the `spin-*`
 * headers that wasi:http and legacy Spin guests see. Pure functions, called once per routed request by the
 * HTTP trigger; WAGI turns the same `SpinRequestInfo` into environment variables.
 */
import type { SpinRequestInfo } from "../../executors/http.ts";
import type { RouteMatch } from "./router.ts";

export interface SpinRequestFacts {
  readonly match: RouteMatch;
  readonly scheme: "http" | "https";
  /** The request's `Host` header as received; `localhost` is used when there is none. */
  readonly host: string | undefined;
  /** The request target's path and query, raw, e.g. `/users/42?full=1`. */
  readonly pathWithQuery: string;
  /** The TCP peer; `0.0.0.0` port 0 for a request chained from another component. */
  readonly client: { readonly address: string; readonly port: number };
}

type HeaderList = readonly (readonly [name: string, value: string])[];

/** RFC 9110 token characters: a `:name` whose header name falls outside them is not sent as a header. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const SPIN_PREFIX = /^spin[-_]/i;

/**
 * What the router and Spin's rules say about one request. `params` keeps one value per name, the last one
 * captured, in the order names first appear in the route (Spin collects them into a map).
 *
 * @example
 * spinRequestInfo({ match, scheme: "http", host: "example.com", pathWithQuery: "/a?b", client }).fullUrl;
 * // "http://example.com/a?b"
 */
export function spinRequestInfo(facts: SpinRequestFacts): SpinRequestInfo {
  const { match, client } = facts;
  return {
    fullUrl: `${facts.scheme}://${facts.host ?? "localhost"}${facts.pathWithQuery}`,
    pathInfo: match.pathInfo,
    matchedRoute: match.matchedRoute,
    rawComponentRoute: match.entry.route,
    componentRoute: match.componentRoute,
    basePath: "/",
    clientAddr: client.address.includes(":")
      ? `[${client.address}]:${client.port}`
      : `${client.address}:${client.port}`,
    params: [...new Map(match.params).entries()],
  };
}

/**
 * The headers Spin adds to the guest's request, in Spin's order, exactly one of each name. Parameter headers
 * are `spin-path-match-` plus the name with `_` as `-`, lower-cased: `:path_segment` gives
 * `spin-path-match-path-segment`.
 */
export function spinHeaders(info: SpinRequestInfo): HeaderList {
  const paramHeaders = new Map<string, string>();
  for (const [name, value] of info.params) {
    const header = `spin-path-match-${asciiLowerCase(name).replaceAll("_", "-")}`;
    if (TOKEN.test(header)) paramHeaders.set(header, value);
  }
  return [
    ["spin-path-info", info.pathInfo],
    ["spin-full-url", info.fullUrl],
    ["spin-matched-route", info.matchedRoute],
    ["spin-base-path", info.basePath],
    ["spin-raw-component-route", info.rawComponentRoute],
    ["spin-component-route", info.componentRoute],
    ["spin-client-addr", info.clientAddr],
    ...paramHeaders,
  ];
}

/**
 * The client's headers without any whose name starts with `spin-` or `spin_` (any case), so that the guest
 * sees exactly the `spin-*` headers Spindle computed and a client cannot forge them. Spin itself passes
 * such headers through beside its own; Spindle keeps the guarantee the conformance suite checks instead.
 */
export function withoutSpinHeaders<H extends readonly [name: string, value: string]>(
  headers: readonly H[],
): H[] {
  return headers.filter(([name]) => !SPIN_PREFIX.test(name));
}

/** Spin lower-cases ASCII letters only, leaving other characters as they are. */
function asciiLowerCase(value: string): string {
  return value.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
