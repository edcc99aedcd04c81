/**
 * A preview 1 host whose run is chosen after instantiation: `createLateBoundPreview1` gives one import
 * object of forwarding functions to instantiate any number of instances with, ahead of time (an instance
 * pool does this off the request path); `run(instance, options)` then builds that run's
 * `createPreview1Host` from the options (argv, env, stdin, stdout and stderr sinks, files), points every
 * import at it for the duration of `_start`, and detaches it afterwards. Runs are synchronous, so at most
 * one is attached at a time, and a run stopped by the engine's watchdog is simply replaced by the next. Costs one small closure per preview 1 function per binder (not per instance);
 * lives as long as the module it is used with. Each instance runs at most once: a second `run` of the same
 * instance throws, and a call outside a run fails the guest.
 *
 * @example
 * const late = createLateBoundPreview1();
 * const instance = new WebAssembly.Instance(module, late.imports); // ahead of time
 * const exitCode = late.run(instance, { args: ["app"], stdout: (bytes) => chunks.push(bytes) });
 */
import { PREVIEW1_FUNCTIONS, type Preview1FunctionName } from "./abi.ts";
import { createPreview1Host, type Preview1Options } from "./host.ts";

type Forwarding = (...args: unknown[]) => number;

export interface LateBoundPreview1 {
  /** The import object to instantiate with: `{ wasi_snapshot_preview1: { … } }`, forwarding to the run. */
  readonly imports: WebAssembly.Imports;
  /**
   * Runs the instance's `_start` once with a host built from `options`, exactly as `createPreview1Host`'s
   * `run` does (same exit code, same rethrown trap, files closed afterwards).
   */
  run(instance: WebAssembly.Instance, options: Preview1Options): number;
}

export function createLateBoundPreview1(): LateBoundPreview1 {
  let target: Record<Preview1FunctionName, Forwarding> | undefined;
  const ran = new WeakSet<WebAssembly.Instance>();
  const forwarding: Partial<Record<Preview1FunctionName, Forwarding>> = {};
  for (const name of PREVIEW1_FUNCTIONS) {
    forwarding[name] = (...args) => {
      if (target === undefined) throw new Error(`WASI call \`${name}\` outside the instance's run`);
      return target[name](...args);
    };
  }
  return {
    imports: { wasi_snapshot_preview1: forwarding },
    run(instance, options) {
      if (ran.has(instance)) throw new Error("a late-bound preview 1 host runs each instance once");
      // Runs are synchronous, so a target still attached here belongs to a run the engine's watchdog
      // terminated (its `finally` never ran); the new run replaces it.
      ran.add(instance);
      const host = createPreview1Host(options);
      target = host.imports["wasi_snapshot_preview1"] as Record<Preview1FunctionName, Forwarding>;
      try {
        return host.run(instance);
      } finally {
        target = undefined;
      }
    },
  };
}
