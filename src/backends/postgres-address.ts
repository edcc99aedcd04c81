/**
 * Reads a PostgreSQL address the way a guest writes it for Spin: a URL (`postgres://user:pw@host:5432/db?
 * sslmode=disable`, also `postgresql://`, with libpq's list of hosts `postgres://a:5432,b:5433/db`) or
 * libpq's key/value form (`host=a,b port=5432,5433 user=app dbname=app password='a b'`). The result is the
 * node-postgres client config without a host, plus the hosts in order, each with its port, so the
 * capability can check each against `allowed_outbound_hosts` and try them in turn. The options are those
 * Spin's parser (tokio-postgres) knows, read with its defaults and its checks of each value; any other is
 * refused, as there. An option Spindle cannot honour is refused naming what to change, rather than
 * dropped. Pure, but for the order `load_balance_hosts=random` draws from `random`.
 */
import type { ClientConfig } from "pg";
import type { PostgresClientConfig } from "./postgres-outbound.ts";

export interface PostgresHost {
  readonly host: string;
  /** Absent when the address names none (the client then uses 5432). */
  readonly port: number | undefined;
}

export interface PostgresAddress {
  /** In the order to try them; `localhost` when the address names none. */
  readonly hosts: readonly PostgresHost[];
  /** Everything but the host and port. */
  readonly config: PostgresClientConfig;
}

/** The address cannot be read; `message` says why, for the guest's `connection-failed`. */
export class PostgresAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostgresAddressError";
  }
}

/** `random` orders the hosts of `load_balance_hosts=random`. */
export function parsePostgresAddress(address: string, random: () => number = Math.random): PostgresAddress {
  const text = address.trim();
  const settings = /^postgres(ql)?:\/\//i.test(text) ? fromUrl(text) : fromKeyValues(text);
  return toAddress(settings, random);
}

/**
 * libpq's URL: `scheme://[user[:password]@][host[:port][,host[:port]…]][/dbname][?key=value&…]`. The host
 * list is no WHATWG URL authority, so it is split here; the path and query are read as a URL's.
 */
function fromUrl(text: string): Map<string, string> {
  const rest = text.replace(/^postgres(ql)?:\/\//i, "");
  const end = rest.search(/[/?]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const tail = URL.parse(`postgres://host${end === -1 ? "" : rest.slice(end)}`);
  if (tail === null) throw new PostgresAddressError(`invalid connection URL ${JSON.stringify(text)}`);
  const settings = new Map<string, string>();
  const put = (key: string, value: string) => value !== "" && settings.set(key, decode(value));
  const at = authority.lastIndexOf("@");
  const [user = "", password = ""] = authority.slice(0, Math.max(at, 0)).split(/:(.*)/s);
  put("user", user);
  put("password", password);
  const hosts = authority.slice(at + 1);
  if (hosts !== "") {
    const parsed = hosts.split(",").map(hostAndPort);
    settings.set("host", parsed.map(([host]) => host).join(","));
    settings.set("port", parsed.map(([, port]) => port).join(","));
  }
  put("dbname", tail.pathname.replace(/^\//, ""));
  for (const [key, value] of tail.searchParams) settings.set(key, value);
  return settings;
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`, the port empty when absent. */
function hostAndPort(chunk: string): [string, string] {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d*))?$/.exec(chunk);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined) {
    throw new PostgresAddressError(`invalid host ${JSON.stringify(chunk)} in the connection URL`);
  }
  return [decode(host), match?.[3] ?? ""];
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new PostgresAddressError(`invalid percent-encoding in ${JSON.stringify(text)}`);
  }
}

/** `key=value` pairs separated by spaces; values may be single-quoted, with `\'` and `\\` escapes. */
function fromKeyValues(text: string): Map<string, string> {
  const settings = new Map<string, string>();
  const pair = /\s*([A-Za-z_]+)\s*=\s*('((?:[^'\\]|\\.)*)'|[^\s']*)/y;
  let rest = text;
  while (rest.trim() !== "") {
    pair.lastIndex = 0;
    const match = pair.exec(rest);
    if (match === null)
      throw new PostgresAddressError(`invalid connection string near ${JSON.stringify(rest)}`);
    const [whole, key = "", raw = "", quoted] = match;
    settings.set(key, quoted === undefined ? raw : quoted.replace(/\\(.)/g, "$1"));
    rest = rest.slice(whole.length);
  }
  return settings;
}

const PASSED_ON = new Map<string, keyof ClientConfig>([
  ["user", "user"],
  ["password", "password"],
  ["dbname", "database"],
  ["application_name", "application_name"],
  ["options", "options"],
]);

/** Every option Spin's parser (tokio-postgres) knows; any other is refused there, so here too. */
const KNOWN = [
  "host",
  "hostaddr",
  "port",
  ...PASSED_ON.keys(),
  "sslmode",
  "sslnegotiation",
  "channel_binding",
  "connect_timeout",
  "tcp_user_timeout",
  "keepalives",
  "keepalives_idle",
  "keepalives_interval",
  "keepalives_retries",
  "target_session_attrs",
  "load_balance_hosts",
];

function toAddress(settings: ReadonlyMap<string, string>, random: () => number): PostgresAddress {
  const config: Record<string, unknown> = {};
  for (const [key, value] of settings) {
    if (!KNOWN.includes(key)) {
      throw new PostgresAddressError(
        `unknown connection option ${JSON.stringify(key)}; the accepted options are ${KNOWN.join(", ")}`,
      );
    }
    const option = PASSED_ON.get(key);
    if (option !== undefined) config[option] = value;
  }
  if (settings.has("hostaddr")) {
    throw new PostgresAddressError(
      "hostaddr is not supported: Spindle checks and connects to the servers named in host; name them there",
    );
  }
  return {
    hosts: balanced(hostsOf(settings), settings, random),
    config: { ...config, ...tls(settings), ...timing(settings), ...keepalives(settings) },
  };
}

/** One of the values tokio-postgres takes for `key`, its default when absent. */
function choice<const T extends string>(
  settings: ReadonlyMap<string, string>,
  key: string,
  values: readonly T[],
): T {
  const value = settings.get(key) ?? values[0];
  const known = values.find((v) => v === value);
  if (known === undefined) {
    throw new PostgresAddressError(
      `invalid value ${JSON.stringify(value)} for option ${key}; it takes ${values.join(", ")}`,
    );
  }
  return known;
}

/** TLS and channel binding, with tokio-postgres's defaults (`prefer` for both). */
function tls(settings: ReadonlyMap<string, string>): PostgresClientConfig {
  const sslmode = choice(settings, "sslmode", ["prefer", "disable", "require"]);
  const negotiation = choice(settings, "sslnegotiation", ["postgres", "direct"]);
  const binding = choice(settings, "channel_binding", ["prefer", "disable", "require"]);
  // `prefer` connects in plain text: node-postgres cannot try TLS first and fall back.
  const config: PostgresClientConfig = {
    ...(sslmode === "require" && { ssl: true }),
    enableChannelBinding: binding !== "disable",
    ...(binding === "require" && { requireChannelBinding: true }),
  };
  if (negotiation === "direct" && sslmode === "prefer") {
    throw new PostgresAddressError(
      "sslnegotiation=direct cannot be used with sslmode=prefer; set sslmode=require, as Spin asks",
    );
  }
  // Without TLS there is nothing to negotiate, as in Spin.
  return negotiation === "direct" && sslmode === "require" ? { ...config, sslnegotiation: "direct" } : config;
}

/** How long to wait for each host, and which server will do. */
function timing(settings: ReadonlyMap<string, string>): ClientConfig {
  const timeout = integer(settings, "connect_timeout", true);
  // Read but not applied: Node cannot set TCP_USER_TIMEOUT, so a server that stops answering is noticed
  // later than in Spin, with the same error.
  integer(settings, "tcp_user_timeout", true);
  const attributes = choice(settings, "target_session_attrs", ["any", "read-write", "read-only"]);
  if (attributes !== "any") {
    throw new PostgresAddressError(
      `target_session_attrs=${attributes} is not supported: Spindle takes the first host that accepts (any)`,
    );
  }
  // libpq waits forever for 0 or less, as node-postgres does for 0.
  return timeout === undefined ? {} : { connectionTimeoutMillis: Math.max(timeout, 0) * 1000 };
}

/**
 * TCP keepalives, on unless `keepalives=0` as in tokio-postgres. Node sets only the idle time; the probes'
 * interval and count stay the system's, which changes only how soon a dead connection is noticed.
 */
function keepalives(settings: ReadonlyMap<string, string>): ClientConfig {
  const enabled = integer(settings, "keepalives", false) !== 0;
  const idle = integer(settings, "keepalives_idle", true) ?? 0;
  integer(settings, "keepalives_interval", true);
  integer(settings, "keepalives_retries", false);
  if (!enabled) return { keepAlive: false };
  // 0 leaves the system's idle time, two hours on Linux as tokio-postgres's default.
  return { keepAlive: true, ...(idle > 0 && { keepAliveInitialDelayMillis: idle * 1000 }) };
}

/** `load_balance_hosts=random` shuffles the hosts, as tokio-postgres does for each connection. */
function balanced(
  hosts: PostgresHost[],
  settings: ReadonlyMap<string, string>,
  random: () => number,
): PostgresHost[] {
  if (choice(settings, "load_balance_hosts", ["disable", "random"]) === "disable") return hosts;
  for (let i = hosts.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [hosts[i], hosts[j]] = [hosts[j] as PostgresHost, hosts[i] as PostgresHost];
  }
  return hosts;
}

/** libpq's rule: one port for every host, or one per host; an empty entry is the default port. */
function hostsOf(settings: ReadonlyMap<string, string>): PostgresHost[] {
  const hosts = (settings.get("host") ?? "localhost").split(",");
  const ports = settings.has("port") ? (settings.get("port") ?? "").split(",") : [""];
  if (ports.length !== 1 && ports.length !== hosts.length) {
    throw new PostgresAddressError(`could not match ${ports.length} port numbers to ${hosts.length} hosts`);
  }
  return hosts.map((host, i) => {
    if (host === "") throw new PostgresAddressError(`empty host in ${JSON.stringify(hosts.join(","))}`);
    return { host, port: portOf(ports.length === 1 ? ports[0] : ports[i]) };
  });
}

function portOf(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new PostgresAddressError(`invalid port ${JSON.stringify(text)}`);
  }
  return port;
}

/** A whole number in seconds or a count, signed or not as tokio-postgres reads `key`; absent if unset. */
function integer(settings: ReadonlyMap<string, string>, key: string, signed: boolean): number | undefined {
  const text = settings.get(key);
  if (text === undefined) return undefined;
  if (!(signed ? /^[+-]?\d+$/ : /^\+?\d+$/).test(text)) {
    throw new PostgresAddressError(
      `invalid value ${JSON.stringify(text)} for option ${key}; it takes a whole number`,
    );
  }
  return Number(text);
}
