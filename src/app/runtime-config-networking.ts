/**
 * `[outbound_networking]` in runtime-config.toml: networks no component may connect to (`block_networks`,
 * CIDR blocks and `private` for every address that is not globally routable). Also Spin's connection caps
 * (`max_socket_connections`, `max_total_connections`, and `[outbound_http]`, `[outbound_redis]`,
 * `[outbound_pg]`, `[outbound_mqtt]`), which are checked here but neither applied nor kept (README). Pure.
 */
import {
  onlyKeys,
  optionalBoolean,
  optionalCount,
  RuntimeConfigError,
  stringList,
  table,
} from "./runtime-config-fields.ts";
import { ipFamily, parseCidr, type IpNetwork } from "../util/ip.ts";

export interface BlockNetworksConfig {
  /** Each blocked CIDR block, the address as written with its prefix length. */
  readonly networks: readonly IpNetwork[];
  /** `private`: every address that is not globally routable. */
  readonly private: boolean;
}

export interface OutboundNetworkingConfig {
  readonly blockNetworks: BlockNetworksConfig;
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
  optionalCount(file, `${key}.max_socket_connections`, entry["max_socket_connections"]);
  optionalCount(file, `${key}.max_total_connections`, entry["max_total_connections"]);
  return { blockNetworks: { networks, private: written.includes("private") } };
}

/** `1.2.3.0/24`, `fd00::/8`, or a single address (a block of one). */
function cidr(file: string, text: string): IpNetwork {
  const family = ipFamily(text);
  const network =
    family === undefined ? parseCidr(text) : { address: text, prefix: family === "ipv4" ? 32 : 128, family };
  if (network !== undefined) return network;
  throw new RuntimeConfigError(
    file,
    "outbound_networking.block_networks",
    `"${text}" is neither an IP network in CIDR notation nor "private"`,
    'write networks as "10.0.0.0/8" or "fd00::/8", or "private" for every non-global address',
  );
}

/** Checks `[outbound_http]`, which is not applied (README). */
export function checkOutboundHttp(file: string, value: unknown): void {
  const key = "outbound_http";
  const entry = table(file, key, value);
  onlyKeys(file, key, entry, ["connection_pooling", "max_connections", "max_concurrent_requests"]);
  optionalBoolean(file, `${key}.connection_pooling`, entry["connection_pooling"]);
  const max = optionalCount(file, `${key}.max_connections`, entry["max_connections"]);
  const concurrent = optionalCount(file, `${key}.max_concurrent_requests`, entry["max_concurrent_requests"]);
  if (max !== undefined && concurrent !== undefined) {
    throw new RuntimeConfigError(
      file,
      `${key}.max_concurrent_requests`,
      "both max_connections and max_concurrent_requests are given",
      "use max_connections only; max_concurrent_requests is its deprecated form",
    );
  }
}

/** Checks `[outbound_redis]`, `[outbound_pg]` or `[outbound_mqtt]`: `max_connections`, not applied. */
export function checkConnectionLimit(file: string, key: string, value: unknown): void {
  const entry = table(file, key, value);
  onlyKeys(file, key, entry, ["max_connections"]);
  optionalCount(file, `${key}.max_connections`, entry["max_connections"]);
}
