/**
 * `spindle up`: loads an app from its spin.toml, checks everything it needs before listening (sources,
 * files, required variables, modules), serves it until SIGINT/SIGTERM, then shuts down cleanly.
 */
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { loadManifest } from "../../manifest/load.ts";
import { lockManifest } from "../../app/lock.ts";
import { loadApp } from "../../app/load.ts";
import { envProvider, resolveVariables, staticProvider } from "../../app/variables.ts";
import { buildApp } from "../../build/build-app.ts";
import { createLogger } from "../../observe/logger.ts";
import { DEFAULT_LISTEN, parseListenAddress } from "../../triggers/http/listen-address.ts";
import { startHttpTrigger } from "../../triggers/http/trigger.ts";
import { formatStartup } from "../../triggers/http/route-table.ts";
import { locateManifest } from "../app-location.ts";
import { parseVariableFlags } from "../variable-flags.ts";
import { parseEnvFlags } from "../env-flags.ts";
import { flagOption, listOption, stringOption, type Command, type ParsedOptions } from "../command.ts";

export const upCommand: Command = {
  name: "up",
  summary: "Start the app and serve it",
  usage: `Usage: spindle up [options]

Options:
  -f, --from <DIR|FILE>       the app: a spin.toml file or a directory holding one (default: .)
      --listen <HOST:PORT>    address to serve on (env SPIN_HTTP_LISTEN_ADDR; default ${DEFAULT_LISTEN})
      --variable <NAME=VALUE> set an application variable; also NAME=@FILE, @FILE.json, @FILE.toml (repeatable)
  -e, --env <KEY=VALUE>       add an environment variable to every component (repeatable)
      --state-dir <DIR>       where the app keeps state (default: .spin next to spin.toml)
      --log-dir <DIR>         where component output is written (default: <state-dir>/logs)
  -q, --quiet                 do not echo component output to the terminal
      --build                 run \`spindle build\` first
`,
  options: {
    from: { type: "string", short: "f" },
    listen: { type: "string" },
    variable: { type: "string", multiple: true },
    env: { type: "string", short: "e", multiple: true },
    "state-dir": { type: "string" },
    "log-dir": { type: "string" },
    quiet: { type: "boolean", short: "q" },
    build: { type: "boolean" },
  },
  run: up,
};

async function up(options: ParsedOptions): Promise<number> {
  const cwd = process.cwd();
  const manifestPath = locateManifest(stringOption(options, "from"), cwd);
  const manifest = await loadManifest(manifestPath);
  if (flagOption(options, "build")) {
    await buildApp(manifest, { report: (line) => process.stdout.write(`${line}\n`) });
  }
  for (const warning of manifest.warnings) process.stderr.write(`Warning: ${warning}\n`);
  const listen = parseListenAddress(
    stringOption(options, "listen") ?? process.env["SPIN_HTTP_LISTEN_ADDR"] ?? DEFAULT_LISTEN,
  );
  const locked = await lockManifest(manifest, { cacheDir: cacheDir() });
  const providers = [staticProvider("--variable", parseVariableFlags(listOption(options, "variable"), cwd))];
  const variables = resolveVariables(locked, [...providers, envProvider(process.env)]);
  const app = loadApp(locked);
  const stateDir = resolve(cwd, stringOption(options, "state-dir") ?? join(manifest.dir, ".spin"));
  const trigger = await startHttpTrigger(app, {
    listen,
    variables,
    extraEnv: parseEnvFlags(listOption(options, "env")),
    logDir: resolve(cwd, stringOption(options, "log-dir") ?? join(stateDir, "logs")),
    echo: flagOption(options, "quiet") ? undefined : process.stderr,
    logger: createLogger(process.stderr, { json: !process.stderr.isTTY }),
  });
  process.stdout.write(formatStartup(trigger.baseUrl, trigger.routes));
  const signal = await nextTerminationSignal();
  process.stderr.write(`Received ${signal}, shutting down\n`);
  await trigger.close();
  return 0;
}

function nextTerminationSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function cacheDir(): string {
  return join(process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache"), "spindle");
}
