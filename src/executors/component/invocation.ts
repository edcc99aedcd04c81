/**
 * One request's run of a component: a never-used instance with its own host objects (WASI, wasi:http,
 * the capabilities), the request and the response slot, and the call to `incoming-handler.handle`. Reports two moments
 * separately, because the response starts before the guest finishes: `response` settles when the guest
 * sets its response-outparam (or fails or returns first), `finished` when `handle` returns or traps.
 * Per request, never reused; costs one instantiation (about 2.5 ms for a 12 MB JS component, less on a
 * recycled memory), which a pool can pay before the request arrives.
 */
import type { OutboundHttp } from "../../capabilities/outbound-http/outbound.ts";
import type { IncomingRequest } from "../../capabilities/wasi-http/incoming.ts";
import { wasiHttpImports } from "../../capabilities/wasi-http/host.ts";
import { ResponseOutparam, type ResponseResult } from "../../capabilities/wasi-http/outgoing.ts";
import { wasiImports } from "../../capabilities/wasi/p2/host.ts";
import { exportedMemories } from "../../engine/memory-limit.ts";
import { instantiate as instantiateCore } from "../../engine/memory-recycler.ts";
import type { GuestOutputSink } from "../guest-output.ts";
import type { CompiledComponent } from "./cache.ts";

export interface InstanceContext {
  readonly compiled: CompiledComponent;
  readonly environment: ReadonlyMap<string, string>;
  readonly files: ReadonlyMap<string, string>;
  readonly output: GuestOutputSink;
  readonly outbound: OutboundHttp;
  /** The host capabilities' import objects for one new instance (key-value, variables, …). */
  readonly capabilityImports: () => Record<string, object>;
  /** Told how long creating the instance took, in seconds. */
  readonly onInstantiated: (seconds: number) => void;
  /** The memory cap the core modules were compiled with; their memories are collected when set. */
  readonly maxMemoryBytes?: number | undefined;
}

export interface Invocation {
  /** The guest's response, or undefined when `handle` returned or failed without setting one. */
  readonly response: Promise<ResponseResult | undefined>;
  /** Settles when `handle` returns; rejects with the trap (or `GuestExit`) when it does not. */
  readonly finished: Promise<void>;
  /** The core instances' exported memories, when there is a memory cap (to tell a fault at the cap). */
  readonly memories: readonly WebAssembly.Memory[];
}

export interface HandlerExport {
  handle(request: IncomingRequest, outparam: ResponseOutparam): unknown;
}

function instantiate(
  context: InstanceContext,
  imports: Record<string, object>,
  memories: WebAssembly.Memory[],
  recycles: (() => void)[],
): HandlerExport {
  const { compiled } = context;
  const collect = context.maxMemoryBytes !== undefined;
  const exports = compiled.instantiate(
    (name) => compiled.coreModules.get(name) as WebAssembly.Module,
    imports,
    (module, moduleImports) => {
      const created = instantiateCore(compiled.engineModules.get(module) ?? { module }, moduleImports ?? {});
      recycles.push(created.recycle);
      if (collect) memories.push(...exportedMemories(created.instance));
      return created.instance;
    },
  ) as Record<string, HandlerExport | undefined>;
  const handler = exports[compiled.handlerExport];
  if (handler === undefined) throw new Error(`the instance has no ${compiled.handlerExport} export`);
  return handler;
}

/** A never-used instance with its own host objects, ready to serve one request. */
export interface ReadyInstance {
  readonly handler: HandlerExport;
  /** Its core instances' exported memories, when there is a memory cap. */
  readonly memories: readonly WebAssembly.Memory[];
  /** Hand its memories on to later instances (memory-recycler.ts). */
  readonly recycles: readonly (() => void)[];
}

/** Instantiates the component with fresh host objects; throws when instantiation fails. */
export function createInstance(context: InstanceContext): ReadyInstance {
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
  const handler = instantiate(context, imports, memories, recycles);
  context.onInstantiated((performance.now() - started) / 1000);
  return { handler, memories, recycles };
}

/** Serves `request` with the instance `take` hands out (created then, or earlier by a pool). */
export function invoke(take: () => ReadyInstance, request: IncomingRequest): Invocation {
  let deliver: (result: ResponseResult | undefined) => void = () => undefined;
  const response = new Promise<ResponseResult | undefined>((resolve) => (deliver = resolve));
  const outparam = new ResponseOutparam((result) => deliver(result));
  const memories: WebAssembly.Memory[] = [];
  const finished = (async () => {
    // Inside the async function, so a failing instantiation or a synchronous trap rejects `finished`.
    const instance = take();
    memories.push(...instance.memories);
    await instance.handler.handle(request, outparam);
  })();
  // A response set before the end was delivered first; this only answers "never set".
  finished.then(
    () => deliver(undefined),
    () => deliver(undefined),
  );
  return { response, finished, memories };
}

/**
 * Hands an instance's memories on to later instances. Only once the guest has returned: no guest code
 * runs again then (the world exports only functions); after a trap or a termination they are dropped.
 */
export function retire(instance: ReadyInstance): void {
  for (const recycle of instance.recycles) recycle();
}
