/**
 * Runs the `[component.<id>.build]` commands of a manifest, component by component in manifest order and
 * command by command, each in the component's `workdir` (default: the manifest's directory) through the
 * shell, with live output. The first failing command stops the build with an error naming the component,
 * the command and its exit status.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { Manifest } from "../manifest/schema.ts";
import { SpindleError } from "../errors.ts";

export interface BuildOptions {
  /** Only these components; all when absent. */
  readonly only?: readonly string[] | undefined;
  /** Progress lines (`Building component …`). */
  readonly report: (line: string) => void;
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
  for (const component of components) {
    if (component.build === undefined) {
      options.report(`Component ${component.id} has no build command, skipping`);
      continue;
    }
    const cwd = resolve(manifest.dir, component.build.workdir ?? ".");
    for (const command of component.build.commands) {
      options.report(`Building component ${component.id} with \`${command}\``);
      const status = await runShell(command, cwd);
      if (status !== 0) {
        throw new SpindleError(
          `build command for component ${component.id} failed with status ${status}: \`${command}\``,
          { hint: `fix the build (it ran in ${cwd}), then run \`spindle build\` again` },
        );
      }
    }
  }
  options.report("Finished building all components");
}

function runShell(command: string, cwd: string): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(command, { cwd, shell: true, stdio: "inherit" });
    child.once("error", (cause) =>
      fail(
        new SpindleError(`cannot run \`${command}\` in ${cwd}: ${cause.message}`, {
          cause,
          hint: "check workdir",
        }),
      ),
    );
    child.once("exit", (code, signal) => done(code ?? (signal === null ? 1 : 128)));
  });
}
