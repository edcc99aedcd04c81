/** The shape every sub-command module exports: its name, help text, option table and entry function. */
import type { ParseArgsConfig } from "node:util";

export interface ParsedOptions {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  /** Operands, for commands that accept them (`spindle new TEMPLATE NAME`). */
  readonly positionals: readonly string[];
}

export interface Command {
  readonly name: string;
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig["options"]>;
  /** Whether the command takes operands besides its options. */
  readonly positionals?: boolean;
  /** Resolves with the process exit code. */
  run(options: ParsedOptions): Promise<number>;
}

export function stringOption(options: ParsedOptions, name: string): string | undefined {
  const value = options.values[name];
  return typeof value === "string" ? value : undefined;
}

export function listOption(options: ParsedOptions, name: string): string[] {
  const value = options.values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function flagOption(options: ParsedOptions, name: string): boolean {
  return options.values[name] === true;
}

/**
 * A command as the top-level usage lists it; its module is imported only when the command runs, so
 * `spindle up` does not load the registry, Kubernetes or build code.
 */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  load(): Promise<Command>;
}
