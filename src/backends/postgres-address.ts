/**
 * Reads a PostgreSQL address the way a guest writes it for Spin: a URL (`postgres://user:pw@host:5432/db?
 * sslmode=disable`, also `postgresql://`, with libpq's list of hosts `postgres://a:5432,b:5433/db`) or
 * libpq's key/value form (`host=a,b port=5432,5433 user=app dbname=app password='a b'`). The result is the
 * node-postgres client config without a host, plus the hosts in order, each with its port, so the
 * capability can check each against `allowed_outbound_hosts` and try them in turn. An option Spindle does
 * not know is refused, as Spin's parser refuses it, rather than dropped. Pure.
 */
import type { ClientConfig } from "pg";

export interface PostgresHost {
  readonly host: string;
  /** Absent when the address names none (the client then uses 5432). */
  readonly port: number | undefined;
}

export interface PostgresAddress {
  /** In the order to try them; `localhost` when the address names none. */
  readonly hosts: readonly PostgresHost[];
  /** Everything but the host and port. */
  readonly config: ClientConfig;
}

/** The address cannot be read; `message` says why, for the guest's `connection-failed`. */
export class PostgresAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PostgresAddressError";
  }
}

export function parsePostgresAddress(address: string): PostgresAddress {
  const text = address.trim();
  const settings = /^postgres(ql)?:\/\//i.test(text) ? fromUrl(text) : fromKeyValues(text);
  return toAddress(settings);
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

/** Every option an address may set; Spin's parser knows a few more, which Spindle cannot honour. */
const SUPPORTED = ["host", "port", ...PASSED_ON.keys(), "sslmode", "connect_timeout", "target_session_attrs"];

function toAddress(settings: ReadonlyMap<string, string>): PostgresAddress {
  const config: Record<string, unknown> = {};
  for (const [key, value] of settings) {
    if (!SUPPORTED.includes(key)) {
      throw new PostgresAddressError(
        `unknown connection option ${JSON.stringify(key)}; the options Spindle supports are ${SUPPORTED.join(", ")}`,
      );
    }
    const option = PASSED_ON.get(key);
    if (option !== undefined) config[option] = value;
  }
  return { hosts: hostsOf(settings), config: { ...config, ...connecting(settings) } };
}

/** How to connect: TLS, how long to wait for each host, and which server will do. */
function connecting(settings: ReadonlyMap<string, string>): ClientConfig {
  const config: ClientConfig = {};
  const sslmode = settings.get("sslmode") ?? "prefer";
  // `require` and stricter modes use TLS. `prefer` (the default) connects in plain text: node-postgres
  // cannot try TLS first and fall back.
  if (sslmode !== "disable" && sslmode !== "prefer") config.ssl = true;
  const timeout = settings.get("connect_timeout");
  // libpq waits forever for 0 or less, as node-postgres does for 0.
  if (timeout !== undefined) config.connectionTimeoutMillis = Math.max(seconds(timeout), 0) * 1000;
  const attributes = settings.get("target_session_attrs") ?? "any";
  if (attributes !== "any") {
    throw new PostgresAddressError(
      `target_session_attrs=${attributes} is not supported: Spindle takes the first host that accepts (any)`,
    );
  }
  return config;
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

function seconds(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value))
    throw new PostgresAddressError(`invalid connect_timeout ${JSON.stringify(text)}`);
  return value;
}
