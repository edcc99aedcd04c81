/**
 * The WASI preview 2 imports of one component instance, keyed by unversioned interface name (the
 * component glue looks imports up that way, so one host serves every `@0.2.x` a component was built
 * against): wasi:io, clocks, random, cli and a read-only filesystem. Also lists what it serves and which
 * functions may suspend the guest, for the executor's load-time checks and its transpile options. Built per
 * instance; cheap (a few closures and objects).
 */
import { cliImports } from "./cli.ts";
import { monotonicClock, wallClock } from "./clocks.ts";
import { filesystemImports } from "./filesystem.ts";
import { Pollable, poll } from "./pollable.ts";
import { insecure, insecureSeed, random } from "./random.ts";
import { InputStream, IoError, OutputStream } from "./streams.ts";

export interface WasiOptions {
  readonly environment: ReadonlyMap<string, string>;
  /** Guest path → host path, mounted read-only at `/` when non-empty. */
  readonly files: ReadonlyMap<string, string>;
  readonly stdout: (bytes: Uint8Array) => void;
  readonly stderr: (bytes: Uint8Array) => void;
}

/** The interfaces served here, by unversioned name. */
export const WASI_INTERFACES = [
  "wasi:io/error",
  "wasi:io/poll",
  "wasi:io/streams",
  "wasi:clocks/monotonic-clock",
  "wasi:clocks/wall-clock",
  "wasi:random/random",
  "wasi:random/insecure",
  "wasi:random/insecure-seed",
  "wasi:cli/environment",
  "wasi:cli/exit",
  "wasi:cli/stdin",
  "wasi:cli/stdout",
  "wasi:cli/stderr",
  "wasi:cli/terminal-input",
  "wasi:cli/terminal-output",
  "wasi:cli/terminal-stdin",
  "wasi:cli/terminal-stdout",
  "wasi:cli/terminal-stderr",
  "wasi:filesystem/types",
  "wasi:filesystem/preopens",
] as const;

/** Functions that may return a promise, in the glue's `interface#function` form: they wait for I/O. */
export const WASI_SUSPENDING_IMPORTS = [
  "wasi:io/poll#poll",
  "wasi:io/poll#[method]pollable.block",
  "wasi:io/streams#[method]input-stream.blocking-read",
  "wasi:io/streams#[method]input-stream.blocking-skip",
  "wasi:io/streams#[method]output-stream.blocking-flush",
  "wasi:io/streams#[method]output-stream.blocking-write-and-flush",
  "wasi:io/streams#[method]output-stream.blocking-write-zeroes-and-flush",
  "wasi:io/streams#[method]output-stream.blocking-splice",
] as const;

export function wasiImports(options: WasiOptions): Record<string, object> {
  return {
    "wasi:io/error": { Error: IoError },
    "wasi:io/poll": { Pollable, poll },
    "wasi:io/streams": { InputStream, OutputStream },
    "wasi:clocks/monotonic-clock": monotonicClock,
    "wasi:clocks/wall-clock": wallClock,
    "wasi:random/random": random,
    "wasi:random/insecure": insecure,
    "wasi:random/insecure-seed": insecureSeed,
    ...cliImports(options),
    ...filesystemImports(options.files),
  };
}
