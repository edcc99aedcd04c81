/**
 * The `spindle` command line: picks the sub-command and hands over to its module, imported only then. The
 * only place that turns errors into messages and exit codes: a `SpindleError` prints its message and hint
 * and exits 1; anything else is a bug and prints its stack.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SpindleError } from "../errors.ts";
import type { Command, CommandEntry } from "./command.ts";

const commands: readonly CommandEntry[] = [
  {
    name: "new",
    summary: "Create a new Spin app from a template",
    load: async () => (await import("./commands/new.ts")).newCommand,
  },
  {
    name: "build",
    summary: "Run the build commands of the app's components",
    load: async () => (await import("./commands/build.ts")).buildCommand,
  },
  {
    name: "up",
    summary: "Start the app and serve it",
    load: async () => (await import("./commands/up.ts")).upCommand,
  },
  {
    name: "watch",
    summary: "Build and serve the app, rebuilding and reloading it when its files change",
    load: async () => (await import("./commands/watch.ts")).watchCommand,
  },
  {
    name: "registry",
    summary: "Push, pull and log in to OCI registries",
    load: async () => (await import("./commands/registry.ts")).registryCommand,
  },
  {
    name: "kube",
    summary: "SpinApps on Kubernetes: scaffold manifests, deploy them, run the operator",
    load: async () => (await import("./commands/kube.ts")).kubeCommand,
  },
  {
    name: "doctor",
    summary: "Check this machine, and a running app's admin endpoint, for what Spindle needs",
    load: async () => (await import("./commands/doctor.ts")).doctorCommand,
  },
];

const USAGE = `spindle — run Spin WebAssembly apps

Usage: spindle <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(10)}${c.summary}`).join("\n")}

Run \`spindle <command> --help\` for a command's options.
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE);
    return name === undefined ? 1 : 0;
  }
  const entry = commands.find((c) => c.name === name);
  try {
    if (entry === undefined) {
      throw new SpindleError(`unknown command '${name}'`, {
        hint: `the commands are: ${commands.map((c) => c.name).join(", ")}`,
      });
    }
    const command = await entry.load();
    const options = parseOptions(command, rest);
    if (options.values["help"] === true) {
      process.stdout.write(command.usage);
      return 0;
    }
    return await command.run(options);
  } catch (error) {
    return report(error);
  }
}

function parseOptions(command: Command, args: readonly string[]) {
  const config: ParseArgsConfig = {
    args: [...args],
    options: { ...command.options, help: { type: "boolean", short: "h" } },
    allowPositionals: command.positionals === true,
    strict: true,
  };
  try {
    return parseArgs(config);
  } catch (cause) {
    throw new SpindleError(`spindle ${command.name}: ${(cause as Error).message}`, {
      cause,
      hint: `see \`spindle ${command.name} --help\``,
    });
  }
}

function report(error: unknown): number {
  if (error instanceof SpindleError) {
    process.stderr.write(`Error: ${error.message}\n`);
    if (error.hint !== undefined) process.stderr.write(`  hint: ${error.hint}\n`);
    return 1;
  }
  process.stderr.write(
    `Internal error (please report it): ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  return 70;
}
