/**
 * The `spindle` command line: picks the sub-command and hands over to its module. The only place that turns
 * errors into messages and exit codes: a `SpindleError` prints its message and hint and exits 1; anything
 * else is a bug and prints its stack.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { SpindleError } from "../errors.ts";
import { upCommand } from "./commands/up.ts";
import { buildCommand } from "./commands/build.ts";
import { watchCommand } from "./commands/watch.ts";
import { registryCommand } from "./commands/registry.ts";
import { newCommand } from "./commands/new.ts";
import { kubeCommand } from "./commands/kube.ts";
import { doctorCommand } from "./commands/doctor.ts";
import type { Command } from "./command.ts";

const commands: readonly Command[] = [
  newCommand,
  buildCommand,
  upCommand,
  watchCommand,
  registryCommand,
  kubeCommand,
  doctorCommand,
];

const USAGE = `spindle — run Spin WebAssembly apps

Usage: spindle <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(8)}${c.summary}`).join("\n")}

Run \`spindle <command> --help\` for a command's options.
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = commands.find((c) => c.name === name);
  try {
    if (command === undefined) {
      throw new SpindleError(`unknown command '${name}'`, {
        hint: `the commands are: ${commands.map((c) => c.name).join(", ")}`,
      });
    }
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
