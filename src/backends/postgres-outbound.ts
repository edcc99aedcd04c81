/**
 * PostgreSQL for guests (the outbound PostgreSQL capability), on node-postgres: one pool per distinct server
 * of an address (the key the caller gives), made on first use and shared by every instance and request that
 * opens that address until the host closes them (Spin pools by address too). Rows come back as PostgreSQL's
 * text form with each column's type OID, so the capability decides how every type reaches the guest;
 * parameters go as text, bytes or null and the server infers their types. A pool's connections resolve the
 * host through the `lookup` it is opened with, if any; a shared pool keeps the one it was opened with (the
 * host's runtime config gives every open the same). Its sockets are the `sockets` given (the node-wide
 * containerd shim's are made in the pod's network namespace), Node's own otherwise. Knows nothing of guests
 * or permissions.
 */
import type { LookupFunction, Socket } from "node:net";
import { TLSSocket } from "node:tls";
import type { Client, ClientConfig, Pool, PoolConfig } from "pg";
import { outboundStream, type OutboundSockets } from "../net/outbound-socket.ts";

/** A statement parameter as node-postgres sends it. */
export type PostgresParameter = string | number | boolean | Buffer | null;

export interface PostgresColumn {
  readonly name: string;
  /** The column's type OID (`pg_type.oid`): 23 int4, 25 text, … */
  readonly typeOid: number;
}

export interface PostgresRows {
  readonly columns: readonly PostgresColumn[];
  /** Each value in PostgreSQL's text output form, or null. */
  readonly rows: readonly (readonly (string | null)[])[];
}

export interface PostgresConnection {
  query(statement: string, parameters: readonly PostgresParameter[]): Promise<PostgresRows>;
  /** The number of rows the statement affected. */
  execute(statement: string, parameters: readonly PostgresParameter[]): Promise<number>;
}

/** node-postgres's client config, and whether the login must bind the channel to TLS (`channel_binding=require`). */
export interface PostgresClientConfig extends ClientConfig {
  readonly requireChannelBinding?: boolean;
}

/** A failure to reach or log in to the server, as opposed to a failing statement. */
export class PostgresConnectError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "PostgresConnectError";
  }
}

export interface PostgresPools {
  /**
   * A connection to the one server `config` names, through the pool kept under `key`, its host resolved
   * through `lookup` when given; checked by connecting once; rejects with `PostgresConnectError`.
   */
  connect(key: string, config: PostgresClientConfig, lookup?: LookupFunction): Promise<PostgresConnection>;
  close(): Promise<void>;
}

/** At most this many server connections per address, as in Spin. */
const POOL_SIZE = 64;

/** Every value as the text the server sent: the capability converts by type OID. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

export function createPostgresPools(sockets?: OutboundSockets): PostgresPools {
  const pools = new Map<string, Promise<Pool>>();
  const pool = (key: string, config: PostgresClientConfig, lookup: LookupFunction | undefined) => {
    let opened = pools.get(key);
    if (opened === undefined) {
      const stream = streamFactory(sockets, lookup);
      opened = openPool({ ...config, ...(stream && { stream }), max: POOL_SIZE, types: RAW_TEXT });
      pools.set(key, opened);
      opened.catch(() => pools.delete(key));
    }
    return opened;
  };
  return {
    connect: async (key, config, lookup) => {
      const opened = await pool(key, config, lookup);
      try {
        (await opened.connect()).release();
      } catch (cause) {
        throw new PostgresConnectError((cause as Error).message, { cause });
      }
      return connection(opened);
    },
    close: async () => {
      const open = await Promise.allSettled(pools.values());
      pools.clear();
      for (const result of open) if (result.status === "fulfilled") await result.value.end();
    },
  };
}

async function openPool({
  requireChannelBinding,
  ...config
}: PoolConfig & PostgresClientConfig): Promise<Pool> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ ...config, ...(requireChannelBinding === true && channelBound(pg.Client)) });
  // An idle connection the server closed is dropped by the pool; this only keeps the error handled.
  pool.on("error", () => undefined);
  return pool;
}

/**
 * Pool settings that turn away a connection whose login did not bind the channel to the TLS session, as
 * libpq's `channel_binding=require` does: node-postgres binds when the server offers SCRAM-SHA-256-PLUS over
 * TLS and otherwise logs in without, so each new connection is checked before its first use.
 */
function channelBound(base: typeof Client): Pick<PoolConfig, "Client" | "verify"> {
  const bound = new WeakSet<object>();
  class BindingClient extends base {
    constructor(config?: string | ClientConfig) {
      super(config);
      const connection = this.connection;
      connection.on("authenticationSASL", (message: { mechanisms: string[] }) => {
        if (connection.stream instanceof TLSSocket && message.mechanisms.includes("SCRAM-SHA-256-PLUS")) {
          bound.add(this);
        }
      });
    }
  }
  return {
    Client: BindingClient,
    verify: (client, done) =>
      done(bound.has(client) ? undefined : new Error("server did not use channel binding")),
  };
}

/** node-postgres's socket factory: Node's own sockets unless `sockets` or `lookup` says otherwise. */
function streamFactory(
  sockets: OutboundSockets | undefined,
  lookup: LookupFunction | undefined,
): (() => Socket) | undefined {
  if (sockets === undefined && lookup === undefined) return undefined;
  return () => outboundStream(sockets, lookup);
}

function connection(pool: Pool): PostgresConnection {
  const run = (statement: string, parameters: readonly PostgresParameter[]) =>
    pool.query<unknown[]>({ text: statement, values: [...parameters], rowMode: "array" });
  return {
    query: async (statement, parameters) => {
      const result = await run(statement, parameters);
      return {
        columns: result.fields.map((f) => ({ name: f.name, typeOid: f.dataTypeID })),
        rows: result.rows as (string | null)[][],
      };
    },
    execute: async (statement, parameters) => (await run(statement, parameters)).rowCount ?? 0,
  };
}
