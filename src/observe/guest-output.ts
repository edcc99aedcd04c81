/**
 * A component's stdout/stderr: appended byte for byte to `<logDir>/<id>_stdout.txt` / `_stderr.txt` (Spin's
 * layout) and echoed to the host's stderr as whole lines prefixed with the component id. One per component,
 * shared by all its instances; files are opened once at start-up and written synchronously so nothing a
 * guest printed is lost if the process ends. Whole lines also go to `onLine` (the dashboard's log view).
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { GuestOutputSink } from "../executors/guest-output.ts";

export interface GuestOutputOptions {
  readonly componentId: string;
  /** Directory for the log files; none means no files. */
  readonly logDir: string | undefined;
  /** Where prefixed lines go; none means they are not echoed (`--quiet`). */
  readonly echo: { write(text: string): unknown } | undefined;
  /** Receives each whole line, without its newline. */
  readonly onLine?: ((stream: "stdout" | "stderr", line: string) => void) | undefined;
}

export interface ClosableGuestOutput extends GuestOutputSink {
  close(): void;
}

export function createGuestOutput(options: GuestOutputOptions): ClosableGuestOutput {
  const stdout = openStream(options, "stdout");
  const stderr = openStream(options, "stderr");
  return {
    stdout: (chunk) => stdout.write(chunk),
    stderr: (chunk) => stderr.write(chunk),
    close: () => {
      stdout.close();
      stderr.close();
    },
  };
}

function openStream(options: GuestOutputOptions, name: "stdout" | "stderr") {
  let fd: number | undefined;
  if (options.logDir !== undefined) {
    mkdirSync(options.logDir, { recursive: true });
    fd = openSync(join(options.logDir, `${options.componentId}_${name}.txt`), "a");
  }
  const prefix = `[${options.componentId}] `;
  const decoder = new TextDecoder();
  let pending = "";
  const emit = (line: string) => {
    options.echo?.write(`${prefix}${line}\n`);
    options.onLine?.(name, line);
  };
  return {
    write(chunk: Uint8Array) {
      if (fd !== undefined) writeSync(fd, chunk);
      if (options.echo === undefined && options.onLine === undefined) return;
      const lines = (pending + decoder.decode(chunk, { stream: true })).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) emit(line);
    },
    close() {
      if (pending !== "") emit(pending);
      pending = "";
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
