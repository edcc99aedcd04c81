/**
 * What every trigger's component handler does first, at load time: check the component's world for the
 * trigger (world.ts), transpile it (or read it from the disk cache) and compile it once, and gather what
 * each new instance needs into an `InstanceContext`. One per (trigger, component) pair.
 */
import type { OutboundHttp } from "../../capabilities/outbound-http/outbound.ts";
import { denyAllOutbound } from "../../capabilities/wasi-http/host.ts";
import { SpindleError } from "../../errors.ts";
import type { GuestOutputSink } from "../guest-output.ts";
import { compiledComponent } from "./cache.ts";
import { inspectComponent, MalformedComponent, type ComponentSurface } from "./inspect.ts";
import type { InstanceContext } from "./instance.ts";
import { entryPoints, type GuestEntry } from "./world.ts";

export interface ComponentOptions {
  readonly componentId: string;
  /** Where the bytes came from, for messages. */
  readonly origin: string;
  readonly bytes: Uint8Array;
  /** `sha256:<hex>` of `bytes`: the cache key. */
  readonly digest: string;
  /** The component's environment, as the guest's `wasi:cli/environment` sees it. */
  readonly environment: ReadonlyMap<string, string>;
  /** Guest path → host path, mounted read-only at `/`. */
  readonly files: ReadonlyMap<string, string>;
  readonly output: GuestOutputSink;
  /** Holds `components/<digest>/` with transpiled components (`spindle up` uses ~/.cache/spindle). */
  readonly cacheDir: string;
  /** The outbound HTTP policy; every request is denied (`HTTP-request-denied`) when absent. */
  readonly outbound?: OutboundHttp | undefined;
  /** Import objects of the host capabilities for each new instance; none when absent. */
  readonly capabilityImports?: (() => Record<string, object>) | undefined;
  /** Told how long each instantiation took, in seconds. */
  readonly onInstantiated?: ((seconds: number) => void) | undefined;
  /** The cap on each core instance's linear memory, in bytes; none when absent. */
  readonly maxMemoryBytes?: number | undefined;
}

/** Checks the component against the trigger's world (`checkWorld` throws when it does not fit) and compiles it. */
export async function prepareComponent(
  options: ComponentOptions,
  checkWorld: (what: string, surface: ComponentSurface) => GuestEntry,
): Promise<InstanceContext> {
  const what = `component "${options.componentId}" (${options.origin})`;
  const surface = inspect(what, options.bytes);
  const entry = checkWorld(what, surface);
  const compiled = await compiledComponent(
    {
      digest: options.digest,
      bytes: options.bytes,
      what,
      asyncExports: entryPoints(surface),
      maxMemoryBytes: options.maxMemoryBytes,
    },
    options.cacheDir,
  );
  return {
    compiled,
    entry,
    environment: options.environment,
    files: options.files,
    output: options.output,
    outbound: options.outbound ?? denyAllOutbound,
    capabilityImports: options.capabilityImports ?? (() => ({})),
    onInstantiated: options.onInstantiated ?? (() => undefined),
    maxMemoryBytes: options.maxMemoryBytes,
  };
}

function inspect(what: string, bytes: Uint8Array): ComponentSurface {
  try {
    return inspectComponent(bytes);
  } catch (cause) {
    if (!(cause instanceof MalformedComponent)) throw cause;
    throw new SpindleError(`${what} is not a valid WebAssembly component: ${cause.message}`, {
      cause,
      hint: "rebuild it, and check that `source` points at the build output",
    });
  }
}
