/**
 * The guest's PostgreSQL connection for one instance, shared by `fermyon:spin/postgres@2.0.0` and
 * `spin:postgres/postgres@3.0.0`, which differ only in the values they carry (a `Flavour`). The static
 * `open` reads the address, checks every host it names against the component's `allowed_outbound_hosts`
 * (scheme `postgres`) and connects to the first that accepts; `query` returns columns and rows, `execute`
 * the number of rows changed.
 * Errors the guest may see are thrown as `GuestError` with Spin's variant: `connection-failed` (refused
 * address with Spin's wording `address postgres://host:port is not permitted`, unreadable address,
 * unreachable server), `value-conversion-failed` (a parameter PostgreSQL cannot take), `query-failed`
 * (the server's message). Every call returns a promise and is a suspending import. Built per instance.
 */
import {
  parsePostgresAddress,
  PostgresAddressError,
  type PostgresAddress,
  type PostgresHost,
} from "../../backends/postgres-address.ts";
import {
  PostgresConnectError,
  type PostgresConnection,
  type PostgresPools,
  type PostgresRows,
} from "../../backends/postgres-outbound.ts";
import type { AddressGate } from "../outbound-networking/address-gate.ts";
import { DestinationProhibitedError } from "../outbound-networking/blocked-networks.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";
import { encodeParameter, ParameterError, type ParameterValue } from "./parameters.ts";
import { decodeValue, kindOf, type ColumnKind, type DbValue } from "./values.ts";

/** The WIT `error` variant (the same cases in 2.0.0 and 3.0.0), in the glue's representation. */
export type PostgresError = {
  readonly tag: "connection-failed" | "bad-parameter" | "query-failed" | "value-conversion-failed" | "other";
  readonly val: string;
};

/** What one interface version can carry. */
export interface Flavour {
  /** The unversioned interface name the glue imports. */
  readonly interfaceName: string;
  /** The `db-data-type` case of a column kind. */
  dataType(kind: ColumnKind): string;
  /** The `db-value` of a decoded value of that kind. */
  value(kind: ColumnKind, value: DbValue): DbValue;
}

export interface PostgresAccess {
  readonly gate: AddressGate;
  readonly pools: () => PostgresPools;
}

export function postgresImports(access: PostgresAccess, flavour: Flavour): Record<string, object> {
  class Connection {
    readonly #db: PostgresConnection;
    private constructor(db: PostgresConnection) {
      this.#db = db;
    }
    static async open(address: string): Promise<Connection> {
      return new Connection(await openConnection(access, address));
    }
    async query(statement: string, params: ParameterValue[]) {
      const result = await run(() => this.#db.query(statement, encode(params)));
      return rowSet(result, flavour);
    }
    execute(statement: string, params: ParameterValue[]): Promise<bigint> {
      return run(async () => BigInt(await this.#db.execute(statement, encode(params))));
    }
  }
  return { [flavour.interfaceName]: { Connection } };
}

/**
 * libpq's way with several hosts: each is tried in order, on its own port, until one accepts the connection
 * and the login (any server will do, libpq's default `target_session_attrs=any`). Every host is checked
 * against `allowed_outbound_hosts` before any is tried, as Spin checks them.
 */
async function openConnection(access: PostgresAccess, address: string): Promise<PostgresConnection> {
  const parsed = readAddress(address);
  const urls = parsed.hosts.map((host) => checkHost(access.gate, host));
  const failures: string[] = [];
  for (const [i, host] of parsed.hosts.entries()) {
    const url = urls[i] ?? host.host;
    try {
      const lookup = access.gate.lookupFor(url);
      const config = {
        ...parsed.config,
        host: host.host,
        ...(host.port === undefined ? {} : { port: host.port }),
      };
      return await access.pools().connect(`${url} ${address.trim()}`, config, lookup);
    } catch (cause) {
      if (!(cause instanceof PostgresConnectError || cause instanceof DestinationProhibitedError)) {
        throw failure("other", String(cause));
      }
      failures.push(urls.length === 1 ? cause.message : `postgres://${url}: ${cause.message}`);
    }
  }
  const tried = failures.join("; ");
  throw failure("connection-failed", urls.length === 1 ? tried : `no host accepted the connection: ${tried}`);
}

function readAddress(address: string): PostgresAddress {
  try {
    return parsePostgresAddress(address);
  } catch (cause) {
    if (cause instanceof PostgresAddressError) throw failure("connection-failed", cause.message);
    throw cause;
  }
}

/** The host as an address the gate reads (`host:port`), once the gate allows it. */
function checkHost(gate: AddressGate, { host, port }: PostgresHost): string {
  if (host.startsWith("/")) {
    throw failure("connection-failed", "Unix sockets are not supported on WebAssembly");
  }
  const name = host.includes(":") ? `[${host}]` : host;
  const url = port === undefined ? name : `${name}:${port}`;
  if (gate.check(url).kind !== "allowed") {
    throw failure("connection-failed", `address postgres://${url} is not permitted`);
  }
  return url;
}

function encode(params: readonly ParameterValue[]) {
  try {
    return params.map(encodeParameter);
  } catch (cause) {
    if (cause instanceof ParameterError) throw failure("value-conversion-failed", cause.message);
    throw cause;
  }
}

/** A failing statement is the guest's `query-failed(message)`; its own errors pass through. */
async function run<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    if (cause instanceof GuestError) throw cause;
    throw failure("query-failed", cause instanceof Error ? cause.message : String(cause));
  }
}

function rowSet(result: PostgresRows, flavour: Flavour) {
  const kinds = result.columns.map((c) => kindOf(c.typeOid));
  return {
    columns: result.columns.map((c, i) => ({
      name: c.name,
      dataType: flavour.dataType(kinds[i] ?? "other"),
    })),
    rows: result.rows.map((row) =>
      row.map((text, i) => {
        const kind = kinds[i] ?? "other";
        return flavour.value(kind, decodeValue(kind, text));
      }),
    ),
  };
}

function failure(tag: PostgresError["tag"], val: string): GuestError<PostgresError> {
  return new GuestError({ tag, val }, `postgres error: ${tag}`);
}
