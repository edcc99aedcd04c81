/**
 * The resolver configuration of a Linux system or container, read as glibc reads it: `resolv.conf`
 * (`nameserver`, `search`/`domain`, `options ndots:`, `timeout:`, `attempts:`; other lines and options
 * ignored) and `hosts` (an address, then names). Also the order glibc tries a name in against the search
 * domains. Pure: the texts come from the caller; `resolver.ts` turns them into a lookup.
 */
import type { LookupAddress } from "node:dns";
import { ipFamily } from "../util/ip.ts";

/** A name server of a `nameserver` line: its IP address (IPv6 without brackets) and port. */
export interface Nameserver {
  readonly host: string;
  readonly port: number;
}

export interface ResolvConf {
  /**
   * The `nameserver` lines' servers in file order, at most three as in glibc; `127.0.0.1` when none is
   * given. A line's address may carry a port (`127.0.0.1:5353`, `[::1]:5353`), as c-ares reads it (glibc
   * ignores such a line); without one, or with port 0 as c-ares reads it, the port is 53.
   */
  readonly nameservers: readonly Nameserver[];
  /** Search domains, without a trailing dot: the last `search` or `domain` line wins. */
  readonly search: readonly string[];
  /** A name with at least this many dots is tried as is before the search domains (glibc: 1, at most 15). */
  readonly ndots: number;
  /** How long one query waits for an answer, in milliseconds (`timeout:` seconds; glibc: 5, at most 30). */
  readonly timeoutMs: number;
  /** How many times a query is sent to each server (glibc: 2, at most 5). */
  readonly attempts: number;
}

/** Addresses by lowercased name, in file order. */
export type HostsTable = ReadonlyMap<string, readonly LookupAddress[]>;

const MAX_NAMESERVERS = 3;
const DNS_PORT = 53;
const WITH_PORT = /^(?:\[([^\]]+)\]|(\d+\.\d+\.\d+\.\d+)):(\d{1,5})$/;

export function parseResolvConf(text: string): ResolvConf {
  const nameservers: Nameserver[] = [];
  let search: string[] = [];
  const options = { ndots: 1, timeout: 5, attempts: 2 };
  for (const fields of lines(text)) {
    const [keyword, ...values] = fields;
    const nameserver = keyword === "nameserver" ? parseNameserver(values[0] ?? "") : undefined;
    if (nameserver !== undefined) {
      nameservers.push(nameserver);
    } else if (keyword === "search" || keyword === "domain") {
      // `domain` names one domain; both replace what an earlier line set.
      search = (keyword === "domain" ? values.slice(0, 1) : values)
        .map((domain) => domain.replace(/\.$/, ""))
        .filter((domain) => domain !== "");
    } else if (keyword === "options") {
      for (const option of values) readOption(option, options);
    }
  }
  return {
    nameservers:
      nameservers.length === 0
        ? [{ host: "127.0.0.1", port: DNS_PORT }]
        : nameservers.slice(0, MAX_NAMESERVERS),
    search,
    ndots: options.ndots,
    timeoutMs: options.timeout * 1000,
    attempts: options.attempts,
  };
}

export function parseHosts(text: string): HostsTable {
  const table = new Map<string, LookupAddress[]>();
  for (const [address = "", ...names] of lines(text)) {
    const family = ipFamily(address);
    if (family === undefined) continue;
    const entry = { address, family: family === "ipv4" ? 4 : 6 };
    for (const name of names) {
      const key = name.toLowerCase().replace(/\.$/, "");
      const known = table.get(key) ?? [];
      if (!known.some((a) => a.address === entry.address)) table.set(key, [...known, entry]);
    }
  }
  return table;
}

/**
 * The names glibc queries for `name`, in order: a name ending in `.` only as is; one with at least `ndots`
 * dots as is, then with each search domain; any other with each search domain, then as is.
 *
 * @example queryNames("web", { search: ["ns.svc.cluster.local"], ndots: 5 }) // ["web.ns.svc.cluster.local", "web"]
 */
export function queryNames(name: string, conf: Pick<ResolvConf, "search" | "ndots">): string[] {
  if (name.endsWith(".")) return [name.slice(0, -1)];
  const searched = conf.search.map((domain) => `${name}.${domain}`);
  const dots = name.split(".").length - 1;
  return dots >= conf.ndots ? [name, ...searched] : [...searched, name];
}

/** The whitespace-separated fields of each line, comments (`#` or `;` to the end of the line) removed. */
function lines(text: string): string[][] {
  return text
    .split("\n")
    .map((line) => line.replace(/[#;].*$/, "").trim())
    .filter((line) => line !== "")
    .map((line) => line.split(/\s+/));
}

/** `1.2.3.4`, `fd00::1`, `1.2.3.4:5353` or `[fd00::1]:5353` as a server; `undefined` for anything else. */
function parseNameserver(value: string): Nameserver | undefined {
  if (ipFamily(value) !== undefined) return { host: value, port: DNS_PORT };
  const match = WITH_PORT.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || ipFamily(host) === undefined || port > 65535) return undefined;
  return { host, port: port === 0 ? DNS_PORT : port };
}

/** glibc's `ndots:`, `timeout:` and `attempts:`, clamped to its limits; other options are ignored. */
function readOption(option: string, into: { ndots: number; timeout: number; attempts: number }): void {
  const match = /^(ndots|timeout|attempts):(\d+)$/.exec(option);
  if (match === null) return;
  const value = Number(match[2]);
  if (match[1] === "ndots") into.ndots = Math.min(value, 15);
  else if (match[1] === "timeout") into.timeout = Math.max(1, Math.min(value, 30));
  else into.attempts = Math.max(1, Math.min(value, 5));
}
