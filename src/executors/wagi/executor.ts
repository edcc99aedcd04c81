/**
 * The WAGI executor: serves HTTP requests with a WASI preview 1 command module the CGI way. Each request
 * runs a never-used instance, taken from the handler's instance pool (instantiated ahead of time against a
 * late-bound preview 1 host), with a fresh host bound to it for that one run and then dropped, so nothing
 * survives between requests (its memory, recycled when the guest ended cleanly, is zeroed first: see
 * memory-recycler.ts); the body is the guest's stdin, argv and environment carry the request
 * (cgi.ts), stdout is the response (output.ts) and stderr goes to the component's output sink. One handler
 * per (trigger, component) pair, built at load time; the module is compiled once and shared, and up to
 * the pool's size of idle instances (with their memories) live as long as the handler.
 */
import { createLateBoundPreview1 } from "../../capabilities/wasi/preview1/late-bound.ts";
import { InstancePool } from "../../engine/instance-pool.ts";
import { exportedMemories, memoryCapNote } from "../../engine/memory-limit.ts";
import { instantiate, type EngineModule } from "../../engine/memory-recycler.ts";
import type { GuestOutputSink } from "../guest-output.ts";
import { GuestFault, type HttpGuestRequest, type HttpGuestResponse, type HttpHandler } from "../http.ts";
import { buildCgiInvocation } from "./cgi.ts";
import { parseWagiOutput } from "./output.ts";
import { validateWagiModule } from "./validate.ts";

export interface WagiHandlerOptions {
  readonly componentId: string;
  /** Compiled once per component (module-cache.ts); instantiated once per request, ahead of time. */
  readonly module: EngineModule;
  /** How many never-used instances to keep ready; the pool's default when undefined, 0 for none. */
  readonly poolSize?: number | undefined;
  /** The trigger's `executor.argv` template; Spin's default when undefined. */
  readonly argv?: string | undefined;
  /** The component's `environment`. */
  readonly environment: ReadonlyMap<string, string>;
  /** The component's files: guest path → host path, mounted read-only at `/`. */
  readonly files: ReadonlyMap<string, string>;
  /** Receives the guest's stderr. */
  readonly output: GuestOutputSink;
  /** Host-side notes about a response Spindle had to correct (ignored header lines, a bad status). */
  readonly onWarning?: ((message: string, request: HttpGuestRequest) => void) | undefined;
  /** Told how long each instantiation took, in seconds (pooled ones included, off the request path). */
  readonly onInstantiated?: ((seconds: number) => void) | undefined;
  /** The memory cap `module` was compiled with, named in the fault when a guest fails at it. */
  readonly maxMemoryBytes?: number | undefined;
}

async function readBody(body: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return concat(chunks);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks);
}

/**
 * Builds the handler, checking the module first: throws a `SpindleError` naming the component when the
 * module is not a WASI preview 1 command this host can link.
 */
export function createWagiHandler(options: WagiHandlerOptions): HttpHandler {
  const { componentId, module, output } = options;
  validateWagiModule(componentId, module.module);
  const host = createLateBoundPreview1();
  // Instances not yet run (the pool) or running, for the handler's figures.
  const live = new Set<WebAssembly.Instance>();
  const pool = new InstancePool({
    create: () => {
      const started = performance.now();
      const created = instantiate(module, host.imports);
      options.onInstantiated?.((performance.now() - started) / 1000);
      live.add(created.instance);
      return created;
    },
    ...(options.poolSize === undefined ? {} : { size: options.poolSize }),
  });

  /** Runs the guest once; returns its stdout or throws a `GuestFault`. */
  function runGuest(args: readonly string[], env: readonly (readonly [string, string])[], stdin: Uint8Array) {
    const stdout: Uint8Array[] = [];
    const { instance, recycle } = pool.take();
    let exitCode: number;
    try {
      exitCode = host.run(instance, {
        args,
        env,
        stdin,
        stdout: (bytes) => stdout.push(bytes),
        stderr: (bytes) => output.stderr(bytes),
        files: options.files,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const note = memoryCapNote(exportedMemories(instance), options.maxMemoryBytes);
      throw new GuestFault(componentId, `The WAGI guest trapped: ${reason}${note}`, { cause: error });
    } finally {
      live.delete(instance); // whatever happened, it never runs again
    }
    // Zeroing the memory for the next instance waits until this response is on its way.
    setImmediate(recycle);
    if (exitCode !== 0) throw new GuestFault(componentId, `The WAGI guest exited with code ${exitCode}`);
    return concat(stdout);
  }

  return {
    async handle(request: HttpGuestRequest): Promise<HttpGuestResponse> {
      const stdin = await readBody(request.body);
      const { args, env } = buildCgiInvocation(request, {
        argv: options.argv,
        environment: options.environment,
        contentLength: stdin.length,
      });
      const parsed = parseWagiOutput(componentId, runGuest(args, env, stdin));
      if (!parsed.ok) throw parsed.fault;
      for (const warning of parsed.warnings) options.onWarning?.(warning, request);
      return parsed.response;
    },
    instances: () => {
      let memoryBytes = 0;
      for (const instance of live) {
        for (const memory of exportedMemories(instance)) memoryBytes += memory.buffer.byteLength;
      }
      return { ready: pool.ready, memoryBytes };
    },
  };
}
