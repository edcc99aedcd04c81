/**
 * What the capability unit tests share: a loaded app of bare components (no bytes, no files), each with
 * the locked-component fields the test gives it (`metadata` grants, `config`), and the context
 * `configureApp` receives, with an empty runtime config unless the test overrides parts of it. Test code
 * only; nothing outside `*.test.ts` imports it.
 */
import type { AppComponent, LoadedApp } from "../app/load.ts";
import type { LockedComponent } from "../app/locked.ts";
import type { RuntimeConfig } from "../app/runtime-config.ts";
import { silentLogger, type Logger } from "../observe/logger.ts";
import type { CapabilityContext } from "./capability.ts";

/** An app whose components are `id → extra locked fields`, in the given order. */
export function testApp(components: Record<string, Partial<LockedComponent>>): LoadedApp {
  const built = Object.entries(components).map(([id, fields]): AppComponent => ({
    id,
    locked: { id, source: { content_type: "application/wasm" }, ...fields },
    bytes: new Uint8Array(),
    digest: "sha256:0",
    kind: "component",
    origin: "test",
    environment: new Map(),
    files: new Map(),
  }));
  const locked = { spin_lock_version: 1 as const, metadata: { name: "t" }, triggers: [], components: [] };
  return { locked, name: "t", components: new Map(built.map((c) => [c.id, c])) };
}

/** The context of `configureApp`: no stores, databases or variables unless given. */
export function testContext(
  config: Partial<RuntimeConfig> = {},
  logger: Logger = silentLogger,
): CapabilityContext {
  const runtimeConfig: RuntimeConfig = {
    stateDir: undefined,
    logDir: undefined,
    keyValueStores: new Map(),
    keyValueSeed: new Map(),
    sqliteDatabases: new Map(),
    sqliteStatements: [],
    clientTls: [],
    blockNetworks: { networks: [], private: false },
    lookup: undefined,
    outboundSockets: undefined,
    ...config,
  };
  return { runtimeConfig, variables: { values: new Map(), secrets: new Set() }, logger };
}
