/**
 * `[outbound_networking]` in runtime-config.toml: networks no component may connect to (`block_networks`,
 * CIDR blocks and `private` for every address that is not globally routable) and Spin's connection caps,
 * which are checked here but not applied (README). Pure.
 */
import { isIP } from "node:net";
import { onlyKeys, optionalCount, RuntimeConfigError, stringList, table } from "./runtime-config-fields.ts";

/** One blocked CIDR block, the address as written with its prefix length. */
export interface BlockedNetwork {
  readonly address: string;
  readonly prefix: number;
  readonly family: "ipv4" | "ipv6";
}

export interface BlockNetworksConfig {
  readonly networks: readonly BlockedNetwork[];
  /** `private`: every address that is not globally routable. */
  readonly private: boolean;
}

export interface OutboundNetworkingConfig {
  readonly blockNetworks: BlockNetworksConfig;
  readonly maxSocketConnections?: number;
  readonly maxTotalConnections?: number;
}

export const NO_BLOCKED_NETWORKS: BlockNetworksConfig = { networks: [], private: false };

export function outboundNetworking(file: string, value: unknown): OutboundNetworkingConfig {
  const key = "outbound_networking";
  const entry = table(file, key, value);
  onlyKeys(file, key, entry, ["block_networks", "max_socket_connections", "max_total_connections"]);
  const written =
    entry["block_networks"] === undefined
      ? []
      : stringList(file, `${key}.block_networks`, entry["block_networks"]);
  const networks = written.filter((item) => item !== "private").map((item) => cidr(file, item));
  const sockets = optionalCount(file, `${key}.max_socket_connections`, entry["max_socket_connections"]);
  const total = optionalCount(file, `${key}.max_total_connections`, entry["max_total_connections"]);
  return {
    blockNetworks: { networks, private: written.includes("private") },
    ...(sockets === undefined ? {} : { maxSocketConnections: sockets }),
    ...(total === undefined ? {} : { maxTotalConnections: total }),
  };
}

/** `1.2.3.0/24`, `fd00::/8`, or a single address (a block of one). */
function cidr(file: string, text: string): BlockedNetwork {
  const [address = "", prefixText, ...rest] = text.split("/");
  const version = isIP(address);
  const bits = version === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (version === 0 || rest.length > 0 || !(prefix >= 0 && prefix <= bits)) {
    throw new RuntimeConfigError(
      file,
      "outbound_networking.block_networks",
      `"${text}" is neither an IP network in CIDR notation nor "private"`,
      'write networks as "10.0.0.0/8" or "fd00::/8", or "private" for every non-global address',
    );
  }
  return { address, prefix, family: version === 6 ? "ipv6" : "ipv4" };
}
