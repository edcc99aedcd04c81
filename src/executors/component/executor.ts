/**
 * The component executor: serves HTTP with a WebAssembly component exporting
 * `wasi:http/incoming-handler@0.2.x` (what the Spin JS SDK builds), Spin's way: a fresh instance per
 * request (instantiated ahead of time by a small pool, so the request does not wait for it), the
 * response sent as soon as the guest sets it, the body streamed as the guest writes it. A fault before
 * the response is a `GuestFault` (the trigger answers 500); after it, the body stream errors and the
 * response is cut off. One handler per (trigger, component) pair, built at load time (prepare.ts).
 */
import { IncomingRequest } from "../../capabilities/wasi-http/incoming.ts";
import type { OutgoingResponse } from "../../capabilities/wasi-http/outgoing.ts";
import { GuestExit } from "../../capabilities/wasi/p2/cli.ts";
import { InstancePool } from "../../engine/instance-pool.ts";
import { ReuseSet, type Lease } from "../../engine/instance-reuse.ts";
import { memoryCapNote } from "../../engine/memory-limit.ts";
import { GuestFault, type HttpGuestRequest, type HttpGuestResponse, type HttpHandler } from "../http.ts";
import { faultOf } from "./fault.ts";
import {
  COMPONENT_POOL_SIZE,
  createInstance,
  retire,
  type InstanceContext,
  type ReadyInstance,
} from "./instance.ts";
import { invoke } from "./invocation.ts";
import { prepareComponent, type ComponentOptions } from "./prepare.ts";
import { checkHttpWorld } from "./world.ts";

export interface ComponentHandlerOptions extends ComponentOptions {
  /** How many never-used instances to keep ready; `COMPONENT_POOL_SIZE` when absent, 0 for none. */
  readonly poolSize?: number | undefined;
  /** How many requests one instance may serve (instance-reuse.ts); 1, a fresh one each, when absent. */
  readonly requestsPerInstance?: number | undefined;
  /** Hears host-side notes about the component (instance reuse switched off). */
  readonly onWarning?: ((message: string) => void) | undefined;
}

export async function createComponentHandler(options: ComponentHandlerOptions): Promise<HttpHandler> {
  const context = await prepareComponent(options, checkHttpWorld);
  // Every instance not yet dropped (ready, in flight or idle for reuse), for the handler's figures.
  const live = new Set<ReadyInstance>();
  const pool = new InstancePool({
    create: () => {
      const instance = createInstance(context);
      live.add(instance);
      return instance;
    },
    size: options.poolSize ?? COMPONENT_POOL_SIZE,
  });
  const drop = (instance: ReadyInstance) => live.delete(instance);
  const handler: Handler = {
    componentId: options.componentId,
    context,
    instances: new ReuseSet({
      fresh: () => pool.take(),
      retire: (instance) => {
        drop(instance);
        retire(instance);
      },
      limit: options.requestsPerInstance ?? 1,
    }),
    drop,
    warn: options.onWarning ?? (() => undefined),
  };
  return {
    handle: (request) => serve(handler, request),
    instances: () => ({
      ready: pool.ready + handler.instances.idle,
      memoryBytes: liveMemoryBytes(live),
    }),
  };
}

interface Handler {
  readonly componentId: string;
  readonly context: InstanceContext;
  readonly instances: ReuseSet<ReadyInstance>;
  /** Forgets an instance that will not be used again without recycling its memory (it failed). */
  readonly drop: (instance: ReadyInstance) => void;
  readonly warn: (message: string) => void;
}

function liveMemoryBytes(live: Iterable<ReadyInstance>): number {
  let bytes = 0;
  for (const instance of live) for (const memory of instance.memories) bytes += memory.buffer.byteLength;
  return bytes;
}

async function serve(handler: Handler, request: HttpGuestRequest): Promise<HttpGuestResponse> {
  const { componentId, context, instances } = handler;
  const incoming = new IncomingRequest(request);
  let lease: Lease<ReadyInstance> | undefined;
  const { response, finished } = invoke(() => (lease = instances.take()).instance, incoming);
  const result = await response;
  if (result === undefined) {
    const failure = await finished.then(
      () => undefined,
      (error: unknown) => error,
    );
    if (lease !== undefined) handler.drop(lease.instance);
    if (failure === undefined && lease !== undefined && lease.served > 0) {
      stopReuse(handler, lease.instance);
      // Nothing of the request was taken, so a fresh instance can serve it as if this never happened.
      if (!incoming.bodyTaken) return serve(handler, request);
    }
    const note = memoryCapNote(lease?.instance.memories ?? [], context.maxMemoryBytes);
    throw failure === undefined
      ? new GuestFault(componentId, `guest failed to produce a response prior to returning${note}`)
      : faultOf(componentId, failure, "before responding", note);
  }
  const served = lease as Lease<ReadyInstance>;
  finished.then(
    () => instances.done(served),
    () => handler.drop(served.instance),
  );
  if (result.tag === "err") {
    throw new GuestFault(componentId, `the guest answered with an error: ${JSON.stringify(result.val)}`);
  }
  endBodyWith(result.val, finished);
  const outgoing = result.val;
  return {
    status: outgoing.statusCode(),
    headers: outgoing.headerList(),
    body: outgoing.queue,
    trailers: () => outgoing.trailerList(),
  };
}

/** A used instance returned without answering: this guest cannot serve two requests on one instance. */
function stopReuse(handler: Handler, instance: ReadyInstance): void {
  retire(instance);
  if (!handler.instances.enabled) return; // another request found out first
  handler.instances.disable();
  handler.warn(
    `component "${handler.componentId}" returned without a response on an instance that had served a request before, ` +
      "so it cannot reuse instances (Spin JS SDK guests cannot); instance reuse is now off for it and every request gets a fresh instance",
  );
}

/** After the response is out, the guest's end decides how the body ends. */
function endBodyWith(response: OutgoingResponse, finished: Promise<void>): void {
  const { queue } = response;
  finished.then(
    () => {
      if (!response.bodyTaken) queue.close();
      else queue.fail(new Error("the guest returned without finishing the response body"));
    },
    (error: unknown) => {
      if (error instanceof GuestExit && error.code === 0 && !response.bodyTaken) queue.close();
      else queue.fail(error);
    },
  );
}
