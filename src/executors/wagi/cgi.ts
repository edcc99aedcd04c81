/**
 * The CGI 1.1 invocation of a WAGI guest, as Spin builds it: the argument vector from the trigger's `argv`
 * template and the environment from the request, the route match and the component's `environment`.
 * Pure: the executor calls it once per request, before building the guest's WASI host.
 *
 * Precedence: a component `environment` entry replaces a CGI variable of the same name. In Spin the
 * component environment comes first in the guest's environ block and `getenv` returns the first match, so
 * this is the value guests there see too; it also means a client header (`Proxy:` → `HTTP_PROXY`) can never
 * shadow a value the operator configured.
 */
import { unbracketed } from "../../util/ip.ts";
import type { HttpGuestRequest } from "../http.ts";

/** The `argv` template Spin uses when the trigger sets none. */
export const DEFAULT_WAGI_ARGV = "${SCRIPT_NAME} ${ARGS}";

export interface CgiInvocation {
  readonly args: readonly string[];
  /** Name/value pairs, each name once. */
  readonly env: readonly (readonly [name: string, value: string])[];
}

/** The request fields the CGI environment is made of (everything but the body). */
export type CgiRequest = Pick<
  HttpGuestRequest,
  "method" | "authority" | "pathWithQuery" | "headers" | "protocol" | "spin"
>;

export interface CgiSettings {
  /** The trigger's `executor.argv`; `DEFAULT_WAGI_ARGV` when undefined. */
  readonly argv?: string | undefined;
  readonly environment: ReadonlyMap<string, string>;
  /** Length of the buffered request body. */
  readonly contentLength: number;
}

const HEADERS_NOT_PASSED = new Set(["HTTP_AUTHORIZATION", "HTTP_CONNECTION"]);

/**
 * Builds argv and the environment for one request.
 *
 * @example
 * buildCgiInvocation(request, { environment: new Map(), contentLength: 0 }).args
 * // for GET /hello?a=1&b=2 → ["/hello", "a=1", "b=2"]
 */
export function buildCgiInvocation(request: CgiRequest, settings: CgiSettings): CgiInvocation {
  const { path, query } = splitPathAndQuery(request.pathWithQuery);
  // Sequential replacement, as Spin does; the result splits on single spaces, so an empty query leaves a
  // trailing empty argument.
  const args = (settings.argv ?? DEFAULT_WAGI_ARGV)
    .replaceAll("${SCRIPT_NAME}", path)
    .replaceAll("${ARGS}", query.replaceAll("&", " "))
    .split(" ");
  const env = new Map<string, string>([
    ...cgiVariables(request, query, settings.contentLength),
    ...headerVariables(request),
  ]);
  for (const [name, value] of spinVariables(request)) env.set(name, value);
  for (const [name, value] of settings.environment) env.set(name, value);
  return { args, env: [...env] };
}

function cgiVariables(request: CgiRequest, query: string, contentLength: number): [string, string][] {
  const { host, port } = splitAuthority(request.authority);
  const clientIp = ipOf(request.spin.clientAddr);
  const pathInfo = request.spin.pathInfo;
  return [
    ["AUTH_TYPE", ""],
    ["CONTENT_LENGTH", String(contentLength)],
    // Spin looks for a header literally named CONTENT_TYPE, which HTTP header names never are in practice.
    ["CONTENT_TYPE", request.headers.find(([name]) => name === "content_type")?.[1] ?? ""],
    ["GATEWAY_INTERFACE", "CGI/1.1"],
    ["QUERY_STRING", query],
    ["REMOTE_ADDR", clientIp],
    ["REMOTE_HOST", clientIp],
    ["REMOTE_USER", ""],
    ["REQUEST_METHOD", request.method],
    ["SCRIPT_NAME", request.spin.componentRoute],
    ["X_RAW_PATH_INFO", pathInfo],
    ["PATH_TRANSLATED", percentDecode(pathInfo)],
    ["SERVER_NAME", host],
    ["SERVER_PORT", port],
    ["SERVER_PROTOCOL", request.protocol],
    ["SERVER_SOFTWARE", "WAGI/1"],
  ];
}

/**
 * `HTTP_<NAME>` per header; a repeated header keeps its last value. The injected `spin-*` headers are left
 * out: WAGI guests get those facts as the `X_*` variables instead, as in Spin.
 */
function headerVariables(request: CgiRequest): [string, string][] {
  const vars: [string, string][] = [];
  for (const [name, value] of request.headers) {
    if (name.startsWith("spin-")) continue;
    const key = `HTTP_${name.toUpperCase().replaceAll("-", "_")}`;
    if (!HEADERS_NOT_PASSED.has(key)) vars.push([key, value]);
  }
  return vars;
}

/** The variables Spin sets from the route match; they override WAGI's own `PATH_INFO`. */
function spinVariables(request: CgiRequest): [string, string][] {
  const spin = request.spin;
  return [
    ["X_FULL_URL", spin.fullUrl],
    ["PATH_INFO", spin.pathInfo],
    ["X_MATCHED_ROUTE", spin.matchedRoute],
    ["X_RAW_COMPONENT_ROUTE", spin.rawComponentRoute],
    ["X_COMPONENT_ROUTE", spin.componentRoute],
    ["X_BASE_PATH", spin.basePath],
    ["X_CLIENT_ADDR", spin.clientAddr],
    ...spin.params.map(([name, value]): [string, string] => [`X_PATH_MATCH_${name.toUpperCase()}`, value]),
  ];
}

function splitPathAndQuery(pathWithQuery: string): { path: string; query: string } {
  const at = pathWithQuery.indexOf("?");
  return at < 0
    ? { path: pathWithQuery, query: "" }
    : { path: pathWithQuery.slice(0, at), query: pathWithQuery.slice(at + 1) };
}

/** Host and port of an authority such as `example.com:3000` or `[::1]:3000`; the port defaults to 80. */
export function splitAuthority(authority: string): { host: string; port: string } {
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(authority);
  const host = match?.[1] ?? authority;
  const port = match?.[2] ?? "";
  return { host: host === "" ? "localhost" : host, port: port === "" ? "80" : port };
}

/** The IP of an `ip:port` socket address, without IPv6 brackets. */
function ipOf(socketAddress: string): string {
  const at = socketAddress.lastIndexOf(":");
  const ip = at < 0 ? socketAddress : socketAddress.slice(0, at);
  return unbracketed(ip);
}

const utf8 = new TextDecoder();

/** Percent-decodes like Spin: invalid escapes stay as written, invalid UTF-8 becomes U+FFFD, `+` stays. */
export function percentDecode(text: string): string {
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) =>
    utf8.decode(Uint8Array.from(run.slice(1).split("%"), (hex) => parseInt(hex, 16))),
  );
}
