/**
 * The one interface every host capability (a WIT interface the guest imports, such as key-value or
 * variables) implements, in three phases — Spin's factors:
 * - `imports` ("init"): the interface names it serves and which of its functions may suspend the guest,
 *   static, read when checking a component's world and when transpiling it;
 * - `configureApp(app, context)`: once per loaded app, at load time: checks what the manifest asks for
 *   against the runtime config (a bad request is a `SpindleError` before anything serves) and builds the
 *   state shared by every request;
 * - `prepare(componentId)`: per instance, cheap — the import object the guest's instance gets.
 * A capability instance lives as long as the process (it may hold open backends, released by `close`).
 * The executor only ever sees the merged import objects; a new capability is a new folder plus one entry
 * in `HOST_CAPABILITIES` below.
 */
import type { LoadedApp } from "../app/load.ts";
import type { RuntimeConfig } from "../app/runtime-config.ts";
import type { ResolvedVariables } from "../app/variables.ts";
import { silentLogger, type Logger } from "../observe/logger.ts";
import { closeInOrder } from "../util/close-all.ts";
import { KEY_VALUE_IMPORTS, createKeyValueCapability } from "./key-value/key-value.ts";
import { MQTT_IMPORTS, createMqttCapability } from "./mqtt/mqtt.ts";
import { POSTGRES_IMPORTS, createPostgresCapability } from "./postgres/postgres.ts";
import { REDIS_IMPORTS, createRedisCapability } from "./redis/redis.ts";
import { SQLITE_IMPORTS, createSqliteCapability } from "./sqlite/sqlite.ts";
import { VARIABLES_IMPORTS, createVariablesCapability } from "./variables/variables.ts";

export interface CapabilityImports {
  /** Versioned interface names served, e.g. `fermyon:spin/key-value@2.0.0`. */
  readonly interfaces: readonly string[];
  /** Functions that return a promise, in the glue's `interface#function` form (JSPI suspending imports). */
  readonly suspending: readonly string[];
  /** How its host calls are described to observers (tracing); nothing beyond their names when absent. */
  readonly calls?: HostCallKind;
}

/** What observers may learn about a capability's host calls beyond their names. */
export interface HostCallKind {
  /** OpenTelemetry's `db.system.name`, for a capability that talks to a database. */
  readonly dbSystem?: string;
  /**
   * What the first argument of a resource's static `open` is, which later calls on the resource inherit:
   * a store or database `label` (recorded as given), or a server `address` (only its host and port are
   * recorded: an address may carry credentials).
   */
  readonly opens?: "label" | "address";
}

export interface CapabilityContext {
  readonly runtimeConfig: RuntimeConfig;
  readonly variables: ResolvedVariables;
  /** For what the host has to tell the operator, such as a refused outbound connection. */
  readonly logger: Logger;
}

/** Per-instance import objects, keyed by unversioned interface name (`fermyon:spin/key-value`). */
export type ImportObjects = Record<string, object>;

/** What a capability keeps for one loaded app. */
export interface AppCapability {
  /** The import objects of one new instance of `componentId`. */
  prepare(componentId: string): ImportObjects;
}

export interface Capability {
  readonly name: string;
  readonly imports: CapabilityImports;
  configureApp(app: LoadedApp, context: CapabilityContext): Promise<AppCapability>;
  /** Releases what the capability holds open (connections, database handles). */
  close(): Promise<void>;
}

interface CapabilityKind {
  readonly imports: CapabilityImports;
  create(): Capability;
}

const HOST_CAPABILITIES: readonly CapabilityKind[] = [
  { imports: KEY_VALUE_IMPORTS, create: createKeyValueCapability },
  { imports: VARIABLES_IMPORTS, create: createVariablesCapability },
  { imports: SQLITE_IMPORTS, create: createSqliteCapability },
  { imports: REDIS_IMPORTS, create: createRedisCapability },
  { imports: POSTGRES_IMPORTS, create: createPostgresCapability },
  { imports: MQTT_IMPORTS, create: createMqttCapability },
];

/** Every interface the capabilities serve, versioned. */
export const CAPABILITY_INTERFACES: readonly string[] = HOST_CAPABILITIES.flatMap(
  (c) => c.imports.interfaces,
);

/** Every capability function that may suspend the guest. */
export const CAPABILITY_SUSPENDING_IMPORTS: readonly string[] = HOST_CAPABILITIES.flatMap(
  (c) => c.imports.suspending,
);

/** The call descriptions of the capabilities that have one, by unversioned interface name. */
export const CAPABILITY_CALL_KINDS: ReadonlyMap<string, HostCallKind> = new Map(
  HOST_CAPABILITIES.flatMap(({ imports: { interfaces, calls } }) =>
    calls === undefined ? [] : interfaces.map((name) => [name.split("@")[0] ?? name, calls] as const),
  ),
);

/** All capabilities of one host process, configured together for each loaded app. */
export interface HostCapabilities {
  /**
   * Configures every capability for `app` (stores seeded, …); called once per loaded
   * app, by the contexts its triggers share. The result gives each new instance its imports.
   */
  configureApp(app: LoadedApp, variables: ResolvedVariables): Promise<AppCapability>;
  close(): Promise<void>;
}

export function createHostCapabilities(
  runtimeConfig: RuntimeConfig,
  logger: Logger = silentLogger,
): HostCapabilities {
  const capabilities = HOST_CAPABILITIES.map((kind) => kind.create());
  return {
    configureApp: async (app, variables) => {
      const configured: AppCapability[] = [];
      for (const capability of capabilities) {
        configured.push(await capability.configureApp(app, { runtimeConfig, variables, logger }));
      }
      return {
        prepare: (componentId) =>
          Object.assign({}, ...configured.map((c) => c.prepare(componentId))) as ImportObjects,
      };
    },
    close: () => closeInOrder(...capabilities.map((capability) => () => capability.close())),
  };
}
