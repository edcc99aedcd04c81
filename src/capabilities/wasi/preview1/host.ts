/**
 * Spindle's WASI preview 1 host: the `wasi_snapshot_preview1` import object for one run of one command
 * module, with arguments, environment, stdin, stdout and stderr held in memory and an optional read-only
 * file tree preopened at `/`. Per run, cheap, never reused: build one with `createPreview1Host`,
 * instantiate the module with its `imports`, then call `run` once.
 *
 * @example
 * const host = createPreview1Host({ args: ["app"], stdout: (bytes) => chunks.push(bytes) });
 * const exitCode = host.run(new WebAssembly.Instance(module, host.imports));
 */
import type { Preview1FunctionName } from "./abi.ts";
import type { RunContext, WasiFunction } from "./context.ts";
import { DescriptorTable, type Descriptor } from "./descriptors.ts";
import { fdDirCalls } from "./fd-dir.ts";
import { fdIoCalls } from "./fd-io.ts";
import { fdMetaCalls } from "./fd-meta.ts";
import { fileTreeOf } from "./file-tree.ts";
import { GuestMemory } from "./memory.ts";
import { pathCalls } from "./path-calls.ts";
import { pollCalls } from "./poll.ts";
import { ProcExit, processCalls } from "./process-calls.ts";
import { refusalCalls } from "./refusals.ts";

export interface Preview1Options {
  /** `argv`, including the program name. */
  readonly args?: readonly string[];
  /** The environment, in order; names should be unique. */
  readonly env?: readonly (readonly [name: string, value: string])[];
  /** Everything the guest can read from fd 0. */
  readonly stdin?: Uint8Array;
  /** Receives each `fd_write` to fd 1, as a copy the callee may keep. */
  readonly stdout?: (bytes: Uint8Array) => void;
  /** Receives each `fd_write` to fd 2. */
  readonly stderr?: (bytes: Uint8Array) => void;
  /**
   * Guest path (`/static/a.txt`) → host path. When non-empty, `/` is preopened as fd 3 over exactly these
   * files, read-only. The tree is built once per map object, so pass the same map for every run.
   */
  readonly files?: ReadonlyMap<string, string>;
}

export interface Preview1Host {
  /** The import object: `{ wasi_snapshot_preview1: { … } }`. */
  readonly imports: WebAssembly.Imports;
  /**
   * Runs the instance's `_start` to completion and returns its exit code: 0 when `_start` returns, the
   * `proc_exit` code otherwise. A trap is rethrown. Every host file the guest opened is closed afterwards.
   */
  run(instance: WebAssembly.Instance): number;
}

const discard = (): void => {};

export function createPreview1Host(options: Preview1Options = {}): Preview1Host {
  const initial: Descriptor[] = [
    { kind: "input", data: options.stdin ?? new Uint8Array(0), position: 0, flags: 0 },
    { kind: "output", write: options.stdout ?? discard, flags: 0 },
    { kind: "output", write: options.stderr ?? discard, flags: 0 },
  ];
  if (options.files !== undefined && options.files.size > 0) {
    initial.push({ kind: "directory", node: fileTreeOf(options.files), preopen: "/", flags: 0 });
  }
  const fds = new DescriptorTable(initial);
  let memory: GuestMemory | undefined;
  let started = false;
  const context: RunContext = {
    fds,
    memory: () => {
      if (memory === undefined) throw new Error("WASI call before the instance's memory was attached");
      return memory;
    },
  };
  const functions: Record<Preview1FunctionName, WasiFunction> = {
    ...processCalls(context, options.args ?? [], options.env ?? []),
    ...fdIoCalls(context),
    ...fdMetaCalls(context),
    ...fdDirCalls(context),
    ...pathCalls(context),
    ...pollCalls(context),
    ...refusalCalls(context),
  };

  return {
    imports: { wasi_snapshot_preview1: functions },
    run(instance) {
      if (started) throw new Error("a preview 1 host runs one instance once");
      started = true;
      const { memory: exported, _start: start } = instance.exports;
      if (!(exported instanceof WebAssembly.Memory) || typeof start !== "function") {
        throw new TypeError("a WASI command must export `memory` and a `_start` function");
      }
      memory = new GuestMemory(exported);
      try {
        (start as () => void)();
        return 0;
      } catch (error) {
        if (error instanceof ProcExit) return error.code;
        throw error;
      } finally {
        fds.closeAll();
      }
    },
  };
}
