/**
 * `wasi:cli` for a component serving a request: the environment is the component's `environment` exactly,
 * there are no arguments and no working directory, stdin is empty, stdout and stderr go to the
 * callbacks given (the component's output sink), no terminal is attached, and `exit` ends the guest (`GuestExit` unwinds it, and
 * the executor reads the status). Built per instance; cheap.
 */
import { ByteSource } from "./byte-source.ts";
import { callbackSink } from "./sinks.ts";
import { InputStream, OutputStream } from "./streams.ts";

/** Thrown through the guest by `wasi:cli/exit`: not a trap, the guest asked to stop. */
export class GuestExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`the guest exited with status ${code}`);
    this.name = "GuestExit";
    this.code = code;
  }
}

export class TerminalInput {}
export class TerminalOutput {}

export interface CliOptions {
  readonly environment: ReadonlyMap<string, string>;
  /** Receives the guest's stdout bytes. */
  readonly stdout: (bytes: Uint8Array) => void;
  readonly stderr: (bytes: Uint8Array) => void;
}

export function cliImports(options: CliOptions): Record<string, object> {
  const env = [...options.environment];
  const none = (): undefined => undefined;
  return {
    "wasi:cli/environment": {
      getEnvironment: () => env.map(([name, value]) => [name, value]),
      getArguments: () => [],
      initialCwd: none,
    },
    "wasi:cli/exit": {
      exit: (status: { tag: "ok" | "err" }) => {
        throw new GuestExit(status.tag === "ok" ? 0 : 1);
      },
      exitWithCode: (code: number) => {
        throw new GuestExit(code);
      },
    },
    "wasi:cli/stdin": { getStdin: () => new InputStream(new ByteSource(new Uint8Array(0))) },
    "wasi:cli/stdout": {
      getStdout: () => new OutputStream(callbackSink(options.stdout)),
    },
    "wasi:cli/stderr": {
      getStderr: () => new OutputStream(callbackSink(options.stderr)),
    },
    "wasi:cli/terminal-input": { TerminalInput },
    "wasi:cli/terminal-output": { TerminalOutput },
    "wasi:cli/terminal-stdin": { getTerminalStdin: none },
    "wasi:cli/terminal-stdout": { getTerminalStdout: none },
    "wasi:cli/terminal-stderr": { getTerminalStderr: none },
  };
}
