/**
 * A `lookup` (the `dns.lookup` signature `net.connect`, undici and the database clients take) that resolves
 * host names the way a container whose `/etc/resolv.conf` and `/etc/hosts` are the given texts would
 * with glibc: an IP address as is; a name in the hosts file from there; `localhost` and `*.localhost` as
 * the loopback addresses (RFC 6761) when the hosts file does not name them; any other name by asking the
 * file's name servers for A and then AAAA records of each name `queryNames` lists, until one has an
 * answer. The queries go out through Node's resolver (c-ares), from the host's network, or from the
 * `sockets` given (`dns-client.ts`: the node-wide shim's are made in the pod's network namespace).
 * Failures are the errors Node's own lookup gives (`getaddrinfo ENOTFOUND <name>`, code
 * `ENOTFOUND`; `EAI_AGAIN` when a server failed or did not answer), so callers map them as before; when
 * no socket can be made to ask from, the lookup fails with that error and its hint instead. Built
 * once per app from the files as they are then; each lookup sends its own queries, nothing is cached.
 */
import type { LookupAddress } from "node:dns";
import { Resolver } from "node:dns/promises";
import { readFileSync } from "node:fs";
import { isIP, type LookupFunction } from "node:net";
import { SpindleError } from "../errors.ts";
import { hostPort } from "../util/ip.ts";
import { dnsClient, isQueryFailure, type DnsQueries } from "./dns-client.ts";
import { lookupError } from "./lookup-error.ts";
import type { OutboundSockets } from "./outbound-socket.ts";
import { parseHosts, parseResolvConf, queryNames, type HostsTable, type ResolvConf } from "./resolv-conf.ts";

/** Paths of the files a container resolves names with; an absent one is the host's own. */
export interface ResolverFiles {
  readonly resolvConf: string | undefined;
  readonly hosts: string | undefined;
}

type Family = 4 | 6;

/** Query outcomes that mean "not under this name" (or no name at all): the next candidate is tried. */
const NOT_HERE = new Set(["ENOTFOUND", "ENODATA", "EBADNAME"]);

/** The lookup of a container whose `/etc/resolv.conf` and `/etc/hosts` read as given. */
export function resolverLookup(
  texts: { readonly resolvConf: string; readonly hosts: string },
  sockets?: OutboundSockets,
): LookupFunction {
  const conf = parseResolvConf(texts.resolvConf);
  const hosts = parseHosts(texts.hosts);
  const resolver = sockets === undefined ? cAres(conf) : dnsClient({ ...conf, sockets });
  return (hostname, options, callback) => {
    const families = wantedFamilies(options.family);
    resolveName(hostname, families, { conf, hosts, resolver }).then(
      (found) => {
        const addresses =
          options.order === "ipv6first" ? found.toSorted((a, b) => b.family - a.family) : found;
        const first = addresses[0] as LookupAddress;
        if (options.all === true) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, []),
    );
  };
}

/** Node's resolver (c-ares), asking the file's name servers from the host's network. */
function cAres(conf: ResolvConf): DnsQueries {
  const resolver = new Resolver({ timeout: conf.timeoutMs, tries: conf.attempts });
  resolver.setServers(conf.nameservers.map(({ host, port }) => hostPort(host, port)));
  return resolver;
}

/**
 * The lookup of a container whose name files are at `files` (each the host's own `/etc/…` when absent),
 * its queries sent from `sockets` when given.
 *
 * @throws SpindleError when a file cannot be read.
 */
export function resolverLookupFromFiles(files: ResolverFiles, sockets?: OutboundSockets): LookupFunction {
  return resolverLookup(
    {
      resolvConf: readNameFile(files.resolvConf ?? "/etc/resolv.conf"),
      hosts: readNameFile(files.hosts ?? "/etc/hosts"),
    },
    sockets,
  );
}

function readNameFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new SpindleError(`cannot read ${path}, which the container resolves host names with`, {
      cause,
      hint: "check that the file the container's spec mounts exists and is readable by the shim",
    });
  }
}

interface Sources {
  readonly conf: ResolvConf;
  readonly hosts: HostsTable;
  readonly resolver: DnsQueries;
}

/** Every address of `hostname` in the wanted families, IPv4 first; rejects as Node's lookup does. */
async function resolveName(
  hostname: string,
  families: readonly Family[],
  sources: Sources,
): Promise<LookupAddress[]> {
  const literal = isIP(hostname);
  if (literal !== 0) return [{ address: hostname, family: literal }];
  const name = hostname.toLowerCase();
  const local = localAddresses(name.replace(/\.$/, ""), sources.hosts).filter((a) => wanted(a, families));
  if (local.length > 0) return local;
  let failed = false;
  for (const candidate of queryNames(name, sources.conf)) {
    const answer = await query(sources.resolver, candidate, families);
    if (answer.addresses.length > 0) return answer.addresses;
    if (answer.failure === "stop") throw lookupError("EAI_AGAIN", hostname);
    failed ||= answer.failure === "server";
  }
  throw lookupError(failed ? "EAI_AGAIN" : "ENOTFOUND", hostname);
}

/** The hosts file's addresses of `name`, else the loopback ones for `localhost` names. */
function localAddresses(name: string, hosts: HostsTable): readonly LookupAddress[] {
  const listed = hosts.get(name);
  if (listed !== undefined) return listed;
  if (name !== "localhost" && !name.endsWith(".localhost")) return [];
  return [
    { address: "127.0.0.1", family: 4 },
    { address: "::1", family: 6 },
  ];
}

interface Answer {
  readonly addresses: LookupAddress[];
  /** `server`: a server failed (SERVFAIL), the next name is still tried, as glibc does; `stop`: none answered. */
  readonly failure: "server" | "stop" | undefined;
}

async function query(resolver: DnsQueries, name: string, families: readonly Family[]): Promise<Answer> {
  const results = await Promise.allSettled(
    families.map((family) => (family === 4 ? resolver.resolve4(name) : resolver.resolve6(name))),
  );
  const addresses = results.flatMap((result, i) =>
    result.status === "fulfilled"
      ? result.value.map((address) => ({ address, family: families[i] ?? 4 }))
      : [],
  );
  const reasons = results.flatMap((result) => (result.status === "rejected" ? [result.reason as Error] : []));
  // Not a server's failure but the host's (no socket could be made): it is the lookup's error, hint and all.
  const fault = reasons.find((reason) => !isQueryFailure(reason));
  if (fault !== undefined) throw fault;
  const codes = reasons.map((reason) => String((reason as NodeJS.ErrnoException).code));
  const failed = codes.filter((code) => !NOT_HERE.has(code));
  if (failed.length === 0) return { addresses, failure: undefined };
  return { addresses, failure: failed.every((code) => code === "ESERVFAIL") ? "server" : "stop" };
}

/** `family` as `dns.lookup` takes it: 0 or absent for both. */
function wantedFamilies(family: number | "IPv4" | "IPv6" | undefined): readonly Family[] {
  if (family === 4 || family === "IPv4") return [4];
  if (family === 6 || family === "IPv6") return [6];
  return [4, 6];
}

function wanted(address: LookupAddress, families: readonly Family[]): boolean {
  return families.includes(address.family as Family);
}
