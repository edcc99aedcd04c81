/**
 * The runtime config's `block_networks`, applied: whether an IP address is in a blocked network, and
 * lookups that drop blocked addresses, as Spin's resolver does. `private` blocks every address that is
 * not globally routable (the special-purpose ranges of RFC 6890 and its successors); an IPv4-mapped or
 * IPv4-compatible IPv6 address is checked as the IPv4 address it carries, so it cannot slip past. Built
 * once per host process; checks are pure, lookups ask the host's resolver (the system's by default).
 */
import { lookup as dnsLookup } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";
import type { BlockNetworksConfig } from "../../app/runtime-config-networking.ts";
import { ipLiteral } from "../../util/ip.ts";

/** Not globally routable: what `private` blocks. */
const NON_GLOBAL: readonly (readonly [string, number, "ipv4" | "ipv6"])[] = [
  ["0.0.0.0", 8, "ipv4"],
  ["10.0.0.0", 8, "ipv4"],
  ["100.64.0.0", 10, "ipv4"],
  ["127.0.0.0", 8, "ipv4"],
  ["169.254.0.0", 16, "ipv4"],
  ["172.16.0.0", 12, "ipv4"],
  ["192.0.0.0", 24, "ipv4"],
  ["192.0.2.0", 24, "ipv4"],
  ["192.168.0.0", 16, "ipv4"],
  ["198.18.0.0", 15, "ipv4"],
  ["198.51.100.0", 24, "ipv4"],
  ["203.0.113.0", 24, "ipv4"],
  ["240.0.0.0", 4, "ipv4"],
  ["::", 128, "ipv6"],
  ["::1", 128, "ipv6"],
  ["64:ff9b:1::", 48, "ipv6"],
  ["100::", 64, "ipv6"],
  ["2001::", 23, "ipv6"],
  ["2001:db8::", 32, "ipv6"],
  ["fc00::", 7, "ipv6"],
  ["fe80::", 10, "ipv6"],
];

/** The error a connection to a blocked address fails with; `code` is what outbound HTTP maps. */
export class DestinationProhibitedError extends Error {
  readonly code = "ERR_DESTINATION_IP_PROHIBITED";
  constructor(host: string) {
    super(`destination IP prohibited by the runtime config's block_networks: ${host}`);
    this.name = "DestinationProhibitedError";
  }
}

export interface BlockedNetworks {
  /** True when nothing is blocked: no check or lookup needs to run. */
  readonly empty: boolean;
  blocks(address: string): boolean;
}

export function blockedNetworks(config: BlockNetworksConfig): BlockedNetworks {
  const list = new BlockList();
  for (const network of config.networks) list.addSubnet(network.address, network.prefix, network.family);
  if (config.private)
    for (const [address, prefix, family] of NON_GLOBAL) list.addSubnet(address, prefix, family);
  const blocks = (address: string): boolean => {
    if (isIP(address) === 4) return list.check(address, "ipv4");
    const carried = embeddedIpv4(address);
    return list.check(address, "ipv6") || (carried !== undefined && blocks(carried));
  };
  return { empty: config.networks.length === 0 && !config.private, blocks };
}

/** The IPv4 address inside `::ffff:a.b.c.d` or `::a.b.c.d` (also written in hex), if any. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^::(?:ffff:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (match?.[1] !== undefined && match[2] !== undefined) {
    const high = parseInt(match[1], 16);
    const low = parseInt(match[2], 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  const dotted = /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return dotted?.[1];
}

/**
 * Refuses `host` when it is an IP address (IPv6 with or without brackets) in a blocked network. A client
 * given an IP address connects without asking its `lookup`, so `filteringLookup` never sees it; a name is
 * left to that lookup, which resolves it once, for the connection itself.
 */
export function refuseBlockedAddress(blocked: BlockedNetworks, host: string): void {
  const ip = ipLiteral(host);
  if (ip !== undefined && blocked.blocks(ip.address)) throw new DestinationProhibitedError(host);
}

/**
 * A `lookup` for `net.connect` that drops blocked addresses, failing only when none is left, as Spin's
 * resolver does for outbound HTTP. Clients of Redis, PostgreSQL and MQTT connect through it too, so the
 * address checked is the address connected to: no second resolution can answer differently. Names
 * resolve through `resolve` (the runtime config's `lookup`), else the system resolver.
 */
export function filteringLookup(blocked: BlockedNetworks, resolve?: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    // The system resolver is looked up per call: `node:dns`'s export is what is current then.
    (resolve ?? dnsLookup)(hostname, { ...options, all: true }, (error, found, family) => {
      if (error !== null) {
        callback(error, []);
        return;
      }
      const addresses = typeof found === "string" ? [{ address: found, family: family ?? 4 }] : found;
      const allowed = addresses.filter(({ address }) => !blocked.blocks(address));
      const first = allowed[0];
      if (first === undefined) callback(new DestinationProhibitedError(hostname), []);
      else if (options.all === true) callback(null, allowed);
      else callback(null, first.address, first.family);
    });
  };
}
