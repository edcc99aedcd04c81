/**
 * `spindle registry push|pull|login|logout`: moves Spin apps between a spin.toml and an OCI registry in
 * Spin's artifact format, and keeps registry logins in Docker's config.json. The command takes operands
 * (the sub-command and its reference); each sub-command accepts only its own options from the shared
 * table.
 */
import { text } from "node:stream/consumers";
import { buildApp } from "../../build/build-app.ts";
import { SpindleError } from "../../errors.ts";
import { loadManifest } from "../../manifest/load.ts";
import { RegistryClient } from "../../oci/client.ts";
import { removeCredentials, saveCredentials } from "../../oci/credentials.ts";
import { pullApp, pushApp } from "../../oci/registry-app.ts";
import { formatReference, parseRegistryName } from "../../oci/reference.ts";
import { createProgress } from "../../observe/progress.ts";
import { locateManifest } from "../app-location.ts";
import { cacheDir } from "../cache-dir.ts";
import { flagOption, listOption, stringOption, type Command, type ParsedOptions } from "../command.ts";

interface SubCommand {
  readonly operand: string;
  readonly options: readonly string[];
  run(operand: string, options: ParsedOptions): Promise<number>;
}

const USAGE = `Usage: spindle registry <push|pull|login|logout> [options]

  spindle registry push <REF> [-f DIR|spin.toml] [--build] [--annotation KEY=VALUE]... [--insecure]
      Pushes the app as a Spin OCI artifact and prints its digest.
  spindle registry pull <REF> [--insecure]
      Downloads the app into the local cache, verifying every digest.
  spindle registry login <REGISTRY> -u <USER> [-p <PASSWORD> | --password-stdin] [--insecure]
      Checks the login with the registry and stores it in Docker's config.json.
  spindle registry logout <REGISTRY>
      Removes the stored login.

Options:
  -f, --from <DIR|FILE>        push: the app, a spin.toml or a directory holding one (default: .)
      --build                  push: run \`spindle build\` first
      --annotation <KEY=VALUE> push: add a manifest annotation (repeatable)
  -u, --username <USER>        login: the user name
  -p, --password <PASSWORD>    login: the password (prefer --password-stdin)
      --password-stdin         login: read the password from standard input
      --insecure               use plain HTTP for a registry that is not on this machine

References look like ghcr.io/me/app:v1 or 127.0.0.1:5000/app@sha256:<digest>. Registries on this machine
(localhost, 127.x) are reached over plain HTTP.
`;

const subCommands: Readonly<Record<string, SubCommand>> = {
  push: { operand: "REF", options: ["from", "build", "annotation", "insecure"], run: push },
  pull: { operand: "REF", options: ["insecure"], run: pull },
  login: { operand: "REGISTRY", options: ["username", "password", "password-stdin", "insecure"], run: login },
  logout: { operand: "REGISTRY", options: [], run: logout },
};

export const registryCommand: Command = {
  name: "registry",
  usage: USAGE,
  positionals: true,
  options: {
    from: { type: "string", short: "f" },
    build: { type: "boolean" },
    annotation: { type: "string", multiple: true },
    username: { type: "string", short: "u" },
    password: { type: "string", short: "p" },
    "password-stdin": { type: "boolean" },
    insecure: { type: "boolean" },
  },
  run: dispatch,
};

async function dispatch(options: ParsedOptions): Promise<number> {
  const [name, operand, ...extra] = options.positionals;
  const sub = name === undefined ? undefined : subCommands[name];
  if (sub === undefined) {
    throw new SpindleError(
      name === undefined ? "spindle registry: name a sub-command" : `unknown sub-command '${name}'`,
      {
        hint: "the sub-commands are push, pull, login and logout; see `spindle registry --help`",
      },
    );
  }
  if (operand === undefined || extra.length > 0) {
    throw new SpindleError(`spindle registry ${name}: expected exactly one ${sub.operand}`, {
      hint: `run \`spindle registry ${name} <${sub.operand}>\``,
    });
  }
  const stray = Object.keys(options.values).find((key) => key !== "help" && !sub.options.includes(key));
  if (stray !== undefined) {
    throw new SpindleError(`spindle registry ${name} does not take --${stray}`, {
      hint: "see `spindle registry --help`",
    });
  }
  return sub.run(operand, options);
}

async function push(reference: string, options: ParsedOptions): Promise<number> {
  const manifestPath = locateManifest(stringOption(options, "from"), process.cwd());
  if (flagOption(options, "build")) {
    await buildApp(await loadManifest(manifestPath), { out: process.stdout });
  }
  const digest = await pushApp(reference, manifestPath, {
    cacheDir: cacheDir(),
    insecure: flagOption(options, "insecure"),
    annotations: parseAnnotations(listOption(options, "annotation")),
    progress: createProgress(process.stderr),
    archive: process.env["SPIN_OCI_ARCHIVE_LAYERS"] !== undefined,
  });
  process.stdout.write(`Pushed with digest ${digest}\n`);
  return 0;
}

async function pull(reference: string, options: ParsedOptions): Promise<number> {
  const artifact = await pullApp(reference, {
    cacheDir: cacheDir(),
    insecure: flagOption(options, "insecure"),
    progress: createProgress(process.stderr),
  });
  process.stdout.write(`Pulled ${formatReference(artifact.reference)} with digest ${artifact.digest}\n`);
  return 0;
}

async function login(registryText: string, options: ParsedOptions): Promise<number> {
  const registry = parseRegistryName(registryText);
  const username = stringOption(options, "username");
  if (username === undefined) {
    throw new SpindleError("spindle registry login: the user name is missing", { hint: "pass -u <USER>" });
  }
  const password = await readPassword(options);
  const client = RegistryClient.create(
    registry,
    { insecure: flagOption(options, "insecure") },
    { username, password },
  );
  await client.verifyLogin();
  const path = saveCredentials(registry, { username, password }, process.env);
  process.stdout.write(`Login succeeded for ${registry} (stored in ${path})\n`);
  return 0;
}

function logout(registryText: string): Promise<number> {
  const registry = parseRegistryName(registryText);
  const removed = removeCredentials(registry, process.env);
  process.stdout.write(removed ? `Removed login for ${registry}\n` : `Not logged in to ${registry}\n`);
  return Promise.resolve(0);
}

async function readPassword(options: ParsedOptions): Promise<string> {
  const given = stringOption(options, "password");
  const fromStdin = flagOption(options, "password-stdin");
  if (given !== undefined && fromStdin) {
    throw new SpindleError("spindle registry login: --password and --password-stdin both given", {
      hint: "use one of them",
    });
  }
  const password = fromStdin ? (await text(process.stdin)).replace(/\r?\n$/, "") : given;
  if (password === undefined || password === "") {
    throw new SpindleError("spindle registry login: the password is missing", {
      hint: "pass -p <PASSWORD> or pipe it in with --password-stdin",
    });
  }
  return password;
}

function parseAnnotations(values: readonly string[]): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf("=");
    if (eq <= 0) {
      throw new SpindleError(`--annotation '${value}' is not KEY=VALUE`, {
        hint: "e.g. --annotation org.opencontainers.image.source=https://example.com/app",
      });
    }
    annotations[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return annotations;
}

/** Spindle's cache directory, the same one `spindle up` uses. */
