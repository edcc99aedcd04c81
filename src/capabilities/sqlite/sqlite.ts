/**
 * The SQLite capability (`fermyon:spin/sqlite@2.0.0`): at load time every label a component lists in
 * `sqlite_databases` must name a database of the runtime config (`default` always does), else the app does
 * not start. The databases (local files or remote libSQL servers) are opened at load and shared by label
 * across components, requests and reloads, until the process closes them; a remote one is reached through
 * the runtime config's resolver and sockets (`host-fetch.ts`). The `--sqlite` statements run against
 * `default` once, before serving; one that fails stops start-up.
 */
import type { LoadedApp } from "../../app/load.ts";
import type { RuntimeConfig } from "../../app/runtime-config.ts";
import type { SqlDatabase } from "../../backends/sqlite-database.ts";
import { SpindleError } from "../../errors.ts";
import { closeInOrder } from "../../util/close-all.ts";
import type { Capability, CapabilityImports } from "../capability.ts";
import { createHostFetch, type HostFetch } from "../outbound-networking/host-fetch.ts";
import { sqliteImports } from "./host.ts";
import { openDatabase } from "./open-database.ts";

/** Spin 2's interface and the Spin 3 SDK's, which adds two synchronous functions. */
const INTERFACES = ["fermyon:spin/sqlite@2.0.0", "spin:sqlite/sqlite@3.0.0"];

export const SQLITE_IMPORTS: CapabilityImports = {
  interfaces: INTERFACES,
  suspending: INTERFACES.flatMap((versioned) => {
    const name = versioned.split("@")[0] ?? versioned;
    return [`${name}#[static]connection.open`, `${name}#[method]connection.execute`];
  }),
  calls: { dbSystem: "sqlite", opens: "label" },
};

export function createSqliteCapability(): Capability {
  const databases = new Map<string, SqlDatabase>();
  // What remote databases' requests go through: resolved and connected as the app's other connections.
  let hostFetch: HostFetch | undefined;
  let seeded = false;
  return {
    name: "sqlite",
    imports: SQLITE_IMPORTS,
    configureApp: async (app, { runtimeConfig }) => {
      const { sqliteDatabases: configs, sqliteStatements } = runtimeConfig;
      hostFetch ??= createHostFetch({ lookup: runtimeConfig.lookup, sockets: runtimeConfig.outboundSockets });
      const granted = grants(app, configs);
      const used = new Set([...granted.values()].flatMap((labels) => [...labels]));
      if (sqliteStatements.length > 0) used.add("default");
      for (const label of used) {
        const config = configs.get(label);
        if (config !== undefined && !databases.has(label))
          databases.set(label, await openDatabase(label, config, hostFetch.fetch));
      }
      if (!seeded) {
        await runStatements(databases.get("default"), sqliteStatements);
        seeded = true;
      }
      return {
        prepare: (componentId) =>
          sqliteImports({
            granted: granted.get(componentId) ?? new Set(),
            database: (label) => databases.get(label),
          }),
      };
    },
    close: async () => {
      const open = [...databases.values()];
      databases.clear();
      const fetchToClose = hostFetch;
      hostFetch = undefined;
      await closeInOrder(...open.map((database) => () => database.close()), () => fetchToClose?.close());
    },
  };
}

/** Runs the `--sqlite` statements in order; the first failure is a start-up error naming it. */
async function runStatements(
  database: SqlDatabase | undefined,
  statements: RuntimeConfig["sqliteStatements"],
) {
  if (database === undefined) return;
  for (const statement of statements) {
    try {
      await database.executeBatch(statement);
    } catch (cause) {
      throw new SpindleError(
        `--sqlite statement failed: ${(cause as Error).message}\n  statement: ${statement}`,
        { cause, hint: "fix the statement (or the file given with --sqlite @FILE)" },
      );
    }
  }
}

/** Each component's granted labels, checked against the configured databases. */
function grants(app: LoadedApp, configs: ReadonlyMap<string, unknown>): Map<string, ReadonlySet<string>> {
  const granted = new Map<string, ReadonlySet<string>>();
  const missing: string[] = [];
  for (const component of app.components.values()) {
    const labels = component.locked.metadata?.databases ?? [];
    for (const label of labels) {
      if (!configs.has(label)) missing.push(`component "${component.id}" uses database "${label}"`);
    }
    granted.set(component.id, new Set(labels));
  }
  if (missing.length > 0) throw undefinedDatabases(missing);
  return granted;
}

function undefinedDatabases(missing: readonly string[]): SpindleError {
  return new SpindleError(
    `One or more components use SQLite databases which are not defined: ${missing.join("; ")}`,
    {
      hint: 'check the spelling in sqlite_databases, or define the database in a runtime config file ([sqlite_database.<label>] with type = "spin", passed with --runtime-config-file)',
    },
  );
}
