/**
 * Application variables: where their values come from and how component variable templates are rendered.
 * Providers are asked in order (`--variable` values first, then the runtime config's
 * `[[variables_provider]]` entries in file order, then `SPIN_VARIABLE_<NAME>` from the environment, then
 * the same names in `.env` in the current directory, as Spin does), then the manifest default applies.
 * Resolved once at start-up, so a missing required variable, or a provider that fails, stops the app
 * before it serves anything; the resolved values are shared by all requests.
 */
import { readFileSync } from "node:fs";
import type { LockedApp } from "./locked.ts";
import { SpindleError } from "../errors.ts";

/**
 * A source of variable values, asked by variable name (lower_snake_case); `undefined` passes the question
 * to the next provider, a rejection stops start-up.
 */
export interface VariableProvider {
  /** Shown in messages, e.g. `--variable` or `environment (SPIN_VARIABLE_*)`. */
  readonly name: string;
  get(variable: string): string | undefined | Promise<string | undefined>;
}

/** Values given on the command line (`--variable name=value`). */
export function staticProvider(name: string, values: ReadonlyMap<string, string>): VariableProvider {
  return { name, get: (variable) => values.get(variable) };
}

/** Values from environment variables named `<prefix>_<NAME>`: `api_key` ← `SPIN_VARIABLE_API_KEY`. */
export function envProvider(env: NodeJS.ProcessEnv, prefix = "SPIN_VARIABLE"): VariableProvider {
  return { name: `environment (${prefix}_*)`, get: (variable) => env[envName(variable, prefix)] };
}

/**
 * Values from a dotenv file (`NAME=value` lines, `#` comments, optional `export ` and quotes), under the
 * same `<prefix>_<NAME>` names as the environment. A missing file provides nothing; read once, lazily.
 */
export function dotenvProvider(path: string, prefix = "SPIN_VARIABLE"): VariableProvider {
  let entries: ReadonlyMap<string, string> | undefined;
  return {
    name: `${path} (${prefix}_*)`,
    get: (variable) => {
      entries ??= readDotenv(path);
      return entries.get(envName(variable, prefix));
    },
  };
}

function readDotenv(path: string): ReadonlyMap<string, string> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return new Map();
  }
  return parseDotenv(text);
}

/** Parses dotenv text; lines that are not `NAME=value` are skipped, as dotenv loaders do. */
export function parseDotenv(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    entries.set(match[1], unquote(match[2]));
  }
  return entries;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1") : inner;
  }
  const comment = value.search(/\s#/);
  return comment < 0 ? value : value.slice(0, comment).trimEnd();
}

export function envName(variable: string, prefix = "SPIN_VARIABLE"): string {
  return `${prefix}_${variable.toUpperCase()}`;
}

/** Every app variable with its value; names of secret variables, so callers never log their values. */
export interface ResolvedVariables {
  readonly values: ReadonlyMap<string, string>;
  readonly secrets: ReadonlySet<string>;
}

/**
 * Resolves every variable the app declares. Throws one error naming all required variables that no
 * provider gave a value, with how to provide each.
 */
export async function resolveVariables(
  app: LockedApp,
  providers: readonly VariableProvider[],
): Promise<ResolvedVariables> {
  const values = new Map<string, string>();
  const secrets = new Set<string>();
  const missing: string[] = [];
  for (const [name, decl] of Object.entries(app.variables ?? {})) {
    if (decl.secret === true) secrets.add(name);
    const value = (await firstValue(providers, name)) ?? decl.default;
    if (value === undefined) missing.push(name);
    else values.set(name, value);
  }
  if (missing.length > 0) {
    const list = missing.map((n) => `"${n}"`).join(", ");
    const how = missing.map((n) => `${envName(n)}=… or --variable ${n}=…`).join("; ");
    throw new SpindleError(`no value for required variable${missing.length > 1 ? "s" : ""} ${list}`, {
      hint: `provide ${missing.length > 1 ? "them" : "it"}: ${how}`,
    });
  }
  return { values, secrets };
}

async function firstValue(providers: readonly VariableProvider[], name: string): Promise<string | undefined> {
  for (const provider of providers) {
    let value: string | undefined;
    try {
      value = await provider.get(name);
    } catch (cause) {
      if (cause instanceof SpindleError) throw cause;
      throw new SpindleError(`variable "${name}": ${provider.name} failed: ${reason(cause)}`, {
        cause,
        hint: "check the provider's address and credentials in the runtime config",
      });
    }
    if (value !== undefined) return value;
  }
  return undefined;
}

/** An error's message with its cause's (`fetch failed: connect ECONNREFUSED …`). */
function reason(error: unknown): string {
  const { message, cause } = error as Error;
  return cause instanceof Error ? `${message}: ${cause.message}` : message;
}
