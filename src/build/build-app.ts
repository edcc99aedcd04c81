/**
 * Runs the `[component.<id>.build]` commands of a manifest, component by component in manifest order and
 * command by command, each in the component's `workdir` (default: the manifest's directory) through the
 * shell, with live output. On a terminal one progress bar counts the commands and the build's own output
 * scrolls above it; elsewhere (pipes, CI) each command is announced on a plain line and its output passes
 * straight through. The first failing command stops the build with an error naming the component, the
 * command and its exit status.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import type { Manifest } from "../manifest/schema.ts";
import { SpindleError } from "../errors.ts";
import { createProgress, type ProgressStream, type ProgressTask } from "../observe/progress.ts";

export interface BuildOptions {
  /** Only these components; all when absent. */
  readonly only?: readonly string[] | undefined;
  /** Where progress goes (`Building component …`); a terminal gets a bar. */
  readonly out: ProgressStream;
}

export async function buildApp(manifest: Manifest, options: BuildOptions): Promise<void> {
  for (const id of options.only ?? []) {
    if (!manifest.components.has(id)) {
      throw new SpindleError(`no component "${id}" in ${manifest.file}`, {
        hint: `the components are: ${[...manifest.components.keys()].join(", ")}`,
      });
    }
  }
  const components = [...manifest.components.values()].filter(
    (c) => options.only === undefined || options.only.includes(c.id),
  );
  const steps = components.reduce((sum, c) => sum + (c.build?.commands.length ?? 0), 0);
  const bar = options.out.isTTY === true ? createProgress(options.out).start("Building", steps) : undefined;
  const say = (line: string) => (bar === undefined ? options.out.write(`${line}\n`) : bar.print(line));
  let done = 0;
  for (const component of components) {
    if (component.build === undefined) {
      say(`Component ${component.id} has no build command, skipping`);
      continue;
    }
    const cwd = resolve(manifest.dir, component.build.workdir ?? ".");
    for (const command of component.build.commands) {
      if (bar === undefined) say(`Building component ${component.id} with \`${command}\``);
      bar?.update(done, `${component.id}: ${command}`);
      const status = await runShell(command, cwd, bar);
      if (status !== 0) {
        bar?.finish(`Build of component ${component.id} failed`);
        throw new SpindleError(
          `build command for component ${component.id} failed with status ${status}: \`${command}\``,
          { hint: `fix the build (it ran in ${cwd}), then run \`spindle build\` again` },
        );
      }
      bar?.update(++done);
    }
  }
  if (bar === undefined) say("Finished building all components");
  else bar.finish("Finished building all components");
}

/** Runs one command; its output goes through `bar` when there is one, else straight to ours. */
function runShell(command: string, cwd: string, bar: ProgressTask | undefined): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(command, {
      cwd,
      shell: true,
      stdio: bar === undefined ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    if (bar !== undefined) {
      for (const stream of [child.stdout, child.stderr] as Readable[]) {
        createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => bar.print(line));
      }
    }
    child.once("error", (cause) =>
      fail(
        new SpindleError(`cannot run \`${command}\` in ${cwd}: ${cause.message}`, {
          cause,
          hint: "check workdir",
        }),
      ),
    );
    child.once("close", (code, signal) => done(code ?? (signal === null ? 1 : 128)));
  });
}
