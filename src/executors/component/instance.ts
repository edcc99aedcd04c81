/**
 * A never-used instance of a compiled component, whatever the trigger: its own host objects (WASI,
 * wasi:http outbound, the capabilities' imports) and the one function of the world's entry export the
 * trigger calls. Costs one instantiation (about 2.5 ms for a 12 MB JS component, less on a recycled
 * memory), which a pool can pay before the request arrives; its memories can be handed on once it is done.
 */
import type { OutboundHttp } from "../../capabilities/outbound-http/outbound.ts";
import { wasiHttpImports } from "../../capabilities/wasi-http/host.ts";
import { wasiImports } from "../../capabilities/wasi/p2/host.ts";
import { exportedMemories } from "../../engine/memory-limit.ts";
import { instantiate as instantiateCore } from "../../engine/memory-recycler.ts";
import type { GuestOutputSink } from "../guest-output.ts";
import type { CompiledComponent } from "./cache.ts";
import type { GuestEntry } from "./world.ts";

/**
 * Ready instances per component handler. Few, because a JS guest's instance holds about 10 MB: enough that
 * a request or message arriving at a quiet server, or two at once, finds one ready.
 */
export const COMPONENT_POOL_SIZE = 2;

/** Everything a new instance of one component needs; built once per handler, shared by its instances. */
export interface InstanceContext {
  readonly compiled: CompiledComponent;
  /** The export the trigger calls. */
  readonly entry: GuestEntry;
  readonly environment: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, string>;
  readonly output: GuestOutputSink;
  readonly outbound: OutboundHttp;
  /** The host capabilities' import objects for one new instance (key-value, variables, …). */
  readonly capabilityImports: () => Record<string, object>;
  /** Told how long creating the instance took, in seconds. */
  readonly onInstantiated: (seconds: number) => void;
  /** The memory cap the core modules were compiled with, named when a guest fails at it. */
  readonly maxMemoryBytes?: number | undefined;
}

/** The entry function of one instance: its arguments as the glue takes them, its promise of a result. */
export type EntryFunction = (...args: unknown[]) => Promise<unknown>;

/** A never-used instance with its own host objects, ready for one call of its entry function. */
export interface ReadyInstance {
  readonly entry: EntryFunction;
  /** Its core instances' exported memories (for the memory cap note and the handler's figures). */
  readonly memories: readonly WebAssembly.Memory[];
  /** Hand its memories on to later instances (memory-recycler.ts). */
  readonly recycles: readonly (() => void)[];
}

/** Instantiates the component with fresh host objects; throws when instantiation fails. */
export function createInstance(context: InstanceContext): ReadyInstance {
  const { compiled, entry } = context;
  const imports = {
    ...wasiImports({
      environment: context.environment,
      files: context.files,
      stdout: (bytes) => context.output.stdout(bytes),
      stderr: (bytes) => context.output.stderr(bytes),
    }),
    ...wasiHttpImports(context.outbound),
    ...context.capabilityImports(),
  };
  const memories: WebAssembly.Memory[] = [];
  const recycles: (() => void)[] = [];
  const started = performance.now();
  const exports = compiled.instantiate(
    (name) => compiled.coreModules.get(name) as WebAssembly.Module,
    imports,
    (module, moduleImports) => {
      const created = instantiateCore(compiled.engineModules.get(module) ?? { module }, moduleImports ?? {});
      recycles.push(created.recycle);
      memories.push(...exportedMemories(created.instance));
      return created.instance;
    },
  ) as Record<string, Record<string, EntryFunction | undefined> | undefined>;
  context.onInstantiated((performance.now() - started) / 1000);
  const call = exports[entry.exportName]?.[entry.method];
  if (call === undefined) throw new Error(`the instance has no ${entry.exportName}#${entry.func} export`);
  return { entry: call, memories, recycles };
}

/**
 * Hands an instance's memories on to later instances. Only once the guest has returned: no guest code
 * runs again then (the worlds export only functions); after a trap or a termination they are dropped.
 */
export function retire(instance: ReadyInstance): void {
  for (const recycle of instance.recycles) recycle();
}
