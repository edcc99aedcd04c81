/**
 * IP addresses and networks as Spindle reads them in manifests, runtime config and URLs: which family an
 * address is, a host that is an IP literal (IPv6 possibly in brackets, as `URL.hostname` gives it), a host
 * and port written together, and CIDR blocks. Pure; the families are named as `net.BlockList` takes them.
 */
import { isIP } from "node:net";

export type IpFamily = "ipv4" | "ipv6";

export interface IpAddress {
  /** Without brackets. */
  readonly address: string;
  readonly family: IpFamily;
}

/** A CIDR block: the address as written and its prefix length. */
export interface IpNetwork extends IpAddress {
  readonly prefix: number;
}

/** The family of `address` (no brackets), or `undefined` when it is no IP address. */
export function ipFamily(address: string): IpFamily | undefined {
  const version = isIP(address);
  if (version === 0) return undefined;
  return version === 4 ? "ipv4" : "ipv6";
}

/**
 * `host` without the brackets around an IPv6 address (as `URL.hostname` and socket addresses write it);
 * any other host as is.
 *
 * @example unbracketed("[::1]") // "::1"
 */
export function unbracketed(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/**
 * `host:port` as URLs and `Resolver#setServers` write it: an IPv6 host in brackets.
 *
 * @example hostPort("fd00::1", 53) // "[fd00::1]:53"
 */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * `host` as an IP address, or `undefined` when it is a name: IPv4, or IPv6 with or without brackets.
 *
 * @example ipLiteral("[::1]") // { address: "::1", family: "ipv6" }
 */
export function ipLiteral(host: string): IpAddress | undefined {
  const address = unbracketed(host);
  const family = ipFamily(address);
  return family === undefined ? undefined : { address, family };
}

/**
 * `10.0.0.0/8` or `fd00::/8` as a network; `undefined` for anything else, a prefix longer than the
 * family's address included.
 */
export function parseCidr(text: string): IpNetwork | undefined {
  const match = /^([^/]+)\/([0-9]{1,3})$/.exec(text);
  const address = match?.[1] ?? "";
  const family = ipFamily(address);
  const prefix = Number(match?.[2]);
  if (family === undefined || prefix > (family === "ipv4" ? 32 : 128)) return undefined;
  return { address, prefix, family };
}
