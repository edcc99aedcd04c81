/**
 * A component's outbound allow-list: its `allowed_outbound_hosts` entries with variable templates rendered,
 * optional endpoints dropped and `*.spin.internal` expanded to the app's component ids, built once at load
 * time; and the matcher that decides whether one request URL may go. The entry grammar is the manifest's
 * (`parseAllowedHost`); this module only renders and matches. Pure.
 */
import { BlockList } from "node:net";
import {
  AllowedHostError,
  isOptionalEndpoint,
  parseAllowedHost,
  type AllowedHost,
  type AllowedHostEntry,
  type AllowedPort,
} from "../../manifest/allowed-hosts.ts";
import { parseTemplate, renderTemplate } from "../../manifest/template.ts";
import { wellKnownPort } from "../../util/well-known-ports.ts";
import { SpindleError } from "../../errors.ts";
import { ipLiteral } from "../../util/ip.ts";
import { parseOutboundUrl, type OutboundTarget } from "./outbound-url.ts";

/** The parsed entries of one component; built once per component at load time, shared by its requests. */
export interface AllowList {
  readonly entries: readonly AllowedHostEntry[];
}

export interface AllowListSource {
  /** The component the entries belong to, for messages. */
  readonly component: string;
  /** `allowed_outbound_hosts` as written, templates included. */
  readonly entries: readonly string[];
  /** Resolved application variables (`ResolvedVariables.values`). */
  readonly variables: ReadonlyMap<string, string>;
  /** Every component id of the app: what `*.spin.internal` stands for. */
  readonly componentIds: readonly string[];
}

const INTERNAL_DOMAIN = "spin.internal";

/**
 * Renders and parses a component's entries.
 *
 * @example buildAllowList({ component: "api", entries: ["https://{{ host }}"], variables, componentIds })
 * @throws SpindleError naming the component and entry when an entry refers to a variable without a value
 *   or renders to something that is not an entry.
 */
export function buildAllowList(source: AllowListSource): AllowList {
  const entries: AllowedHostEntry[] = [];
  for (const raw of source.entries) {
    const rendered = render(raw, source);
    if (isOptionalEndpoint(rendered.trim())) continue;
    entries.push(...expandInternal(parseEntry(rendered, raw, source.component), source.componentIds));
  }
  return { entries };
}

function render(raw: string, source: AllowListSource): string {
  return renderTemplate(parseTemplate(raw), (name) => {
    const value = source.variables.get(name);
    if (value === undefined) {
      throw new SpindleError(
        `component "${source.component}": allowed_outbound_hosts entry "${raw}" uses variable "${name}", which has no value`,
        { hint: `declare "${name}" under [variables] in spin.toml and give it a value or a default` },
      );
    }
    return value;
  });
}

function parseEntry(rendered: string, raw: string, component: string): AllowedHostEntry {
  try {
    return { ...parseAllowedHost(rendered), raw };
  } catch (error) {
    if (!(error instanceof AllowedHostError)) throw error;
    const from = rendered === raw ? "" : ` (rendered from "${raw}")`;
    throw new SpindleError(
      `component "${component}": allowed_outbound_hosts entry "${rendered}"${from} is invalid: ${error.message}`,
      { cause: error, hint: error.hint ?? "fix the entry or the variable it uses" },
    );
  }
}

function expandInternal(entry: AllowedHostEntry, componentIds: readonly string[]): AllowedHostEntry[] {
  if (entry.host.kind !== "subdomain" || entry.host.domain !== INTERNAL_DOMAIN) return [entry];
  return componentIds.map((id) => ({
    ...entry,
    host: { kind: "literal", host: `${id.toLowerCase()}.${INTERNAL_DOMAIN}` },
  }));
}

/**
 * Whether `url` may be requested: its scheme, host and port must all match one entry. A path alone or the
 * host `self`/`self.alt` needs an entry with host `self` (or `*`) for http or https. A URL without a scheme
 * is read as https.
 */
export function allows(url: string, allowList: AllowList): boolean {
  const target = parseOutboundUrl(url);
  return target !== undefined && allowsTarget(target, allowList);
}

/** `allows` for an already parsed URL. */
export function allowsTarget(target: OutboundTarget, allowList: AllowList): boolean {
  if (target.kind === "self") {
    const schemes = target.scheme === undefined ? ["http", "https"] : [target.scheme];
    return allowList.entries.some(
      (e) => (e.host.kind === "self" || e.host.kind === "any") && schemes.some((s) => schemeMatches(e, s)),
    );
  }
  return allowList.entries.some(
    (e) =>
      schemeMatches(e, target.scheme) && hostMatches(e.host, target.host) && portMatches(e.port, target.port),
  );
}

function schemeMatches(entry: AllowedHostEntry, scheme: string): boolean {
  return entry.scheme.kind === "any" || entry.scheme.scheme.toLowerCase() === scheme;
}

function hostMatches(allowed: AllowedHost, host: string): boolean {
  switch (allowed.kind) {
    case "any":
      return true;
    case "self":
      return false;
    case "literal":
      return allowed.host === host;
    case "subdomain":
      return ipLiteral(host) === undefined && host.endsWith(`.${allowed.domain}`);
    case "cidr":
      return inNetwork(allowed, host);
  }
}

function inNetwork(network: Extract<AllowedHost, { kind: "cidr" }>, host: string): boolean {
  const ip = ipLiteral(host);
  if (ip === undefined) return false;
  const list = new BlockList();
  list.addSubnet(network.address, network.prefix, network.family);
  return list.check(ip.address, ip.family);
}

function portMatches(allowed: AllowedPort, port: number | undefined): boolean {
  if (allowed.kind === "any") return true;
  if (port === undefined) return false;
  return allowed.kind === "port" ? allowed.port === port : allowed.start <= port && port < allowed.end;
}

/**
 * The manifest line that would allow `url`, e.g. `allowed_outbound_hosts = ["https://api.example.com"]`,
 * with the port only when it is not the scheme's default; `undefined` when `url` is no URL.
 */
export function suggestEntry(url: string): string | undefined {
  const target = parseOutboundUrl(url);
  return target === undefined ? undefined : suggestEntryFor(target);
}

/** `suggestEntry` for an already parsed URL. */
export function suggestEntryFor(target: OutboundTarget): string {
  const entry = target.kind === "self" ? `${target.scheme ?? "http"}://self` : absoluteEntry(target);
  return `allowed_outbound_hosts = ["${entry}"]`;
}

function absoluteEntry(target: Extract<OutboundTarget, { kind: "absolute" }>): string {
  const explicit = target.url.port !== "" && target.port !== wellKnownPort(target.scheme);
  const port = explicit || wellKnownPort(target.scheme) === undefined ? `:${target.port ?? "*"}` : "";
  return `${target.scheme}://${target.host}${port}`;
}
