/**
 * The grammar of one `allowed_outbound_hosts` entry, `<scheme>://<host>[:<port>]`, parsed into a structured
 * value with Spin's rules and error messages. The manifest validator checks every entry with it; outbound
 * networking enforcement matches requests against the parsed values. Pure; templates must be resolved first.
 */
import { domainToASCII } from "node:url";
import { SpindleError } from "../errors.ts";
import { ipLiteral, parseCidr, type IpNetwork } from "../util/ip.ts";
import { wellKnownPort } from "../util/well-known-ports.ts";

export type AllowedScheme = { readonly kind: "any" } | { readonly kind: "exact"; readonly scheme: string };

export type AllowedHost =
  | { readonly kind: "any" }
  /** `self` / `self.alt`: relative requests back to this app. */
  | { readonly kind: "self" }
  /** `*.example.com`: any subdomain of `domain` (never `domain` itself), domain names only. */
  | { readonly kind: "subdomain"; readonly domain: string }
  /** A domain (lower-case ASCII, IDNA applied), IPv4 address, or bracketed IPv6 address. */
  | { readonly kind: "literal"; readonly host: string }
  /** `10.0.0.0/8`: matches IP hosts in the network only. */
  | ({ readonly kind: "cidr" } & IpNetwork);

export type AllowedPort =
  | { readonly kind: "any" }
  | { readonly kind: "port"; readonly port: number }
  /** `start..end`, end exclusive. */
  | { readonly kind: "range"; readonly start: number; readonly end: number };

export interface AllowedHostEntry {
  /** The entry as written. */
  readonly raw: string;
  readonly scheme: AllowedScheme;
  readonly host: AllowedHost;
  readonly port: AllowedPort;
}

/** An entry that does not follow the grammar; `message` is Spin's wording. */
export class AllowedHostError extends SpindleError {
  constructor(message: string, hint: string = FORM_HINT) {
    super(message, { hint });
    this.name = "AllowedHostError";
  }
}

const FORM_HINT = "write entries as <scheme>://<host>[:<port>], e.g. 'https://example.com' or 'redis://*:*'";

/** A resolved template that means "no endpoint configured": Spin drops such entries instead of failing. */
export function isOptionalEndpoint(resolved: string): boolean {
  return resolved === "" || resolved === "http://" || resolved === "https://";
}

/**
 * Parses one entry.
 *
 * @example parseAllowedHost("https://*.example.com:8000..9000")
 * @throws AllowedHostError with Spin's message when the entry is malformed.
 */
export function parseAllowedHost(entry: string): AllowedHostEntry {
  const url = entry.trim();
  const separator = url.indexOf("://");
  if (separator < 0) throw missingScheme(url);
  const schemeText = url.slice(0, separator);
  const rest = url.slice(separator + 3);
  const colon = rest.lastIndexOf(":");
  const hostText = colon < 0 ? rest : rest.slice(0, colon);
  const afterHost = colon < 0 ? "" : rest.slice(colon + 1);
  const slash = afterHost.indexOf("/");
  if (slash >= 0 && afterHost.slice(slash + 1) !== "") {
    throw new AllowedHostError(`${quote(url)} has a path but is not allowed to`);
  }
  const portText = slash < 0 ? afterHost : afterHost.slice(0, slash);
  const port = withContext(`Invalid allowed host port ${quote(portText)}`, () =>
    parsePort(portText, schemeText),
  );
  const scheme = withContext(`Invalid allowed host scheme ${quote(schemeText)}`, () =>
    parseScheme(schemeText),
  );
  const host = withContext(`Invalid allowed host ${quote(hostText)}`, () => parseHost(hostText));
  return { raw: entry, scheme, host, port };
}

function missingScheme(url: string): AllowedHostError {
  if (url === "insecure:allow-all") {
    return new AllowedHostError(
      "'insecure:allow-all' is not allowed - use '*://*:*' instead if you really want to allow all outbound traffic'",
      "replace it with '*://*:*' (this removes all network sandboxing) or list the hosts the component needs",
    );
  }
  if (["*", ":", "", "?"].includes(url)) {
    return new AllowedHostError(
      `${quote(url)} is not an allowed outbound host format`,
      "hosts must be in the form <scheme>://<host>[:<port>], with '*' wildcards allowed for each; to allow all outbound networking use '*://*:*', which removes all network sandboxing",
    );
  }
  return new AllowedHostError(`${quote(url)} does not contain a scheme (e.g., 'http://' or '*://')`);
}

function withContext<T>(context: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof AllowedHostError)) throw error;
    throw new AllowedHostError(`${context}: ${error.message}`, error.hint);
  }
}

function parseScheme(scheme: string): AllowedScheme {
  if (scheme === "*") return { kind: "any" };
  if (scheme.startsWith("{")) throw new AllowedHostError("scheme lists are not supported");
  if (!/^\p{Alphabetic}*$/u.test(scheme)) {
    throw new AllowedHostError("only alphabetic characters are allowed");
  }
  return { kind: "exact", scheme };
}

function parsePort(port: string, scheme: string): AllowedPort {
  if (port === "") {
    const known = wellKnownPort(scheme);
    if (known === undefined) {
      throw new AllowedHostError(
        `no port was provided and the scheme ${quote(scheme)} does not have a known default port number`,
        "add a port, e.g. ':443', ':8000..9000' or ':*'",
      );
    }
    return { kind: "port", port: known };
  }
  if (port === "*") return { kind: "any" };
  if (port.startsWith("{")) throw new AllowedHostError("port lists are not yet supported");
  const range = port.indexOf("..");
  if (range < 0) {
    const single = portNumber(port);
    if (single === undefined) throw new AllowedHostError(`port ${quote(port)} is not a number`);
    return { kind: "port", port: single };
  }
  const start = portNumber(port.slice(0, range));
  const end = portNumber(port.slice(range + 2));
  if (start === undefined || end === undefined) {
    throw new AllowedHostError(`port range ${quote(port)} contains non-number`);
  }
  return { kind: "range", start, end };
}

function portNumber(text: string): number | undefined {
  if (!/^\+?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value <= 65535 ? value : undefined;
}

function parseHost(raw: string): AllowedHost {
  const host = raw.trim();
  if (host === "*") return { kind: "any" };
  if (host === "self" || host === "self.alt") return { kind: "self" };
  if (host.startsWith("{")) throw new AllowedHostError("host lists are not yet supported");
  const cidr = parseCidr(host);
  if (cidr !== undefined) return { kind: "cidr", ...cidr };
  const trimmed = host.replace(/\/+$/, "");
  if (trimmed.includes("/")) throw new AllowedHostError("must not include a path");
  if (trimmed.startsWith("*.")) {
    const domain = trimmed.slice(2);
    if (domain.includes("*")) throw new AllowedHostError("wildcards are allowed only as prefixes");
    return { kind: "subdomain", domain: domain.toLowerCase() };
  }
  if (trimmed.includes("*")) throw new AllowedHostError("wildcards are allowed only as subdomains");
  return { kind: "literal", host: literalHost(trimmed) };
}

function literalHost(host: string): string {
  if (host === "") throw new AllowedHostError("empty host");
  if (host.startsWith("[")) {
    if (ipLiteral(host)?.family !== "ipv6") throw new AllowedHostError("invalid IPv6 address");
    return new URL(`http://${host}/`).hostname;
  }
  const ascii = domainToASCII(host);
  if (ascii !== "") return ascii;
  const lastLabel = host.split(".").at(-1) ?? "";
  if (/^(0x[0-9a-f]*|[0-9]+)$/i.test(lastLabel)) throw new AllowedHostError("invalid IPv4 address");
  throw new AllowedHostError("invalid international domain name");
}

function quote(text: string): string {
  return JSON.stringify(text);
}
