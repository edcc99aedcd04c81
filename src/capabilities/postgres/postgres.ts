/**
 * The outbound PostgreSQL capability: `fermyon:spin/postgres@2.0.0` (with its `rdbms-types`) and
 * `spin:postgres/postgres@3.0.0`. A component may connect to any server its `allowed_outbound_hosts` allows
 * with scheme `postgres` (5432 when no port is given). The two versions share the connection and differ in
 * the values they carry: 2.0.0 has no dates or times (such columns are `other`, their values
 * `unsupported`); 3.0.0 adds `date`, `time` and `datetime`. Pools are made on first use and shared by
 * address across components, requests and reloads, until the process closes them.
 */
import { createPostgresPools, type PostgresPools } from "../../backends/postgres-outbound.ts";
import type { Capability, CapabilityImports } from "../capability.ts";
import { addressGates, closedGate } from "../outbound-networking/address-gate.ts";
import { postgresImports, type Flavour } from "./host.ts";
import type { ColumnKind, DbValue } from "./values.ts";

const V2 = "fermyon:spin/postgres";
const V3 = "spin:postgres/postgres";
const FUNCTIONS = ["[static]connection.open", "[method]connection.query", "[method]connection.execute"];

export const POSTGRES_IMPORTS: CapabilityImports = {
  interfaces: [`${V2}@2.0.0`, "fermyon:spin/rdbms-types@2.0.0", `${V3}@3.0.0`],
  suspending: [V2, V3].flatMap((name) => FUNCTIONS.map((f) => `${name}#${f}`)),
  calls: { dbSystem: "postgresql", opens: "address" },
};

const TIME_KINDS = new Set<ColumnKind>(["date", "time", "datetime"]);

const v2: Flavour = {
  interfaceName: V2,
  dataType: (kind) => (TIME_KINDS.has(kind) ? "other" : kind),
  value: (kind, value): DbValue =>
    TIME_KINDS.has(kind) && value.tag !== "db-null" ? { tag: "unsupported" } : value,
};

const v3: Flavour = { interfaceName: V3, dataType: (kind) => kind, value: (_kind, value) => value };

export function createPostgresCapability(): Capability {
  let pools: PostgresPools | undefined;
  return {
    name: "postgres",
    imports: POSTGRES_IMPORTS,
    configureApp: (app, { variables, logger, runtimeConfig }) =>
      Promise.resolve().then(() => {
        const gates = addressGates(app, {
          scheme: "postgres",
          action: "connect to PostgreSQL at",
          variables,
          logger,
          blockNetworks: runtimeConfig.blockNetworks,
          lookup: runtimeConfig.lookup,
        });
        const shared = () => (pools ??= createPostgresPools(runtimeConfig.outboundSockets));
        return {
          prepare: (componentId) => {
            const access = { gate: gates.get(componentId) ?? closedGate, pools: shared };
            return { ...postgresImports(access, v2), ...postgresImports(access, v3) };
          },
        };
      }),
    close: async () => {
      await pools?.close();
      pools = undefined;
    },
  };
}
