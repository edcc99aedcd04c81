/**
 * Parses the `--listen` / `SPIN_HTTP_LISTEN_ADDR` value (`127.0.0.1:3000`, `[::1]:8080`, `localhost:0`,
 * `0.0.0.0:80`) into a host and port. Pure; used once at start-up.
 */
import { SpindleError } from "../../errors.ts";
import { hostPort } from "../../util/ip.ts";

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
  /**
   * Makes a socket bound to `host:port` and listening, as a file descriptor, to serve on instead of
   * binding one: the shim makes it inside a pod's network namespace, where this process cannot bind.
   */
  readonly socket?: (() => number) | undefined;
}

export const DEFAULT_LISTEN = "127.0.0.1:3000";

export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text.trim());
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new SpindleError(`invalid listen address "${text}"`, {
      hint: "use HOST:PORT, e.g. --listen 127.0.0.1:3000 or --listen [::1]:3000 (port 0 picks a free port)",
    });
  }
  // Spin resolves `localhost` preferring IPv4, so the printed URL and the bound socket agree.
  return { host: host === "localhost" ? "127.0.0.1" : host, port };
}

/** `host:port` as it appears in URLs, with brackets around IPv6 hosts. */
export function formatHostPort(address: ListenAddress): string {
  return hostPort(address.host, address.port);
}

/** How binding an address failed: the `errno` name, and the failure in words for a code not explained here. */
export interface ListenFailure {
  readonly code: string | undefined;
  /** Node's error message, or libc's description of `errno`. */
  readonly detail: string;
  readonly cause?: unknown;
}

/** Why `address` cannot be listened on, from how binding it failed. */
export function cannotListen(address: ListenAddress, failure: ListenFailure): SpindleError {
  const { code, detail, cause } = failure;
  const reason =
    code === "EADDRINUSE"
      ? "the address is already in use"
      : code === "EADDRNOTAVAIL"
        ? "no network interface has that address"
        : code === "EACCES"
          ? "permission denied (ports below 1024 need privileges)"
          : detail;
  return new SpindleError(`cannot listen on ${formatHostPort(address)}: ${reason}`, {
    cause,
    hint: "stop whatever uses it, or choose another address with --listen HOST:PORT (or SPIN_HTTP_LISTEN_ADDR)",
  });
}
