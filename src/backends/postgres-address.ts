/**
 * Reads a PostgreSQL address the way a guest writes it for Spin: a URL (`postgres://user:pw@host:5432/db?
 * sslmode=disable`, also `postgresql://`) or libpq's key/value form (`host=localhost port=5432 user=app
 * dbname=app password='a b'`). The result is the node-postgres client config plus the hosts it names, so the
 * capability can check each against `allowed_outbound_hosts` before anything connects. Pure.
 */
import type { ClientConfig } from "pg";

export interface PostgresHost {
  readonly host: string;
  /** Absent when the address names none (the client then uses 5432). */
  readonly port: number | undefined;
}

export interface PostgresAddress {
  readonly hosts: readonly PostgresHost[];
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

function fromUrl(text: string): Map<string, string> {
  const url = URL.parse(text);
  if (url === null) throw new PostgresAddressError(`invalid connection URL ${JSON.stringify(text)}`);
  const settings = new Map<string, string>();
  const put = (key: string, value: string) => value !== "" && settings.set(key, decodeURIComponent(value));
  put("host", url.hostname.replace(/^\[(.*)\]$/, "$1"));
  put("port", url.port);
  put("user", url.username);
  put("password", url.password);
  put("dbname", url.pathname.replace(/^\//, ""));
  for (const [key, value] of url.searchParams) settings.set(key, value);
  return settings;
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

function toAddress(settings: ReadonlyMap<string, string>): PostgresAddress {
  const hosts = (settings.get("host") ?? "localhost").split(",");
  const ports = (settings.get("port") ?? "").split(",").filter((p) => p !== "");
  const parsed = hosts.map((host, i): PostgresHost => ({ host, port: portOf(ports[i] ?? ports[0]) }));
  const config: Record<string, unknown> = {};
  for (const [key, value] of settings) {
    const option = PASSED_ON.get(key);
    if (option !== undefined) config[option] = value;
  }
  const first = parsed[0] as PostgresHost;
  config["host"] = first.host;
  if (first.port !== undefined) config["port"] = first.port;
  const sslmode = settings.get("sslmode") ?? "prefer";
  // `require` and stricter modes use TLS. `prefer` (the default) connects in plain text: node-postgres
  // cannot try TLS first and fall back.
  if (sslmode !== "disable" && sslmode !== "prefer") config["ssl"] = true;
  return { hosts: parsed, config };
}

function portOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new PostgresAddressError(`invalid port ${JSON.stringify(text)}`);
  }
  return port;
}
