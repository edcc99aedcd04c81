/**
 * `spindle up`: loads an app from its spin.toml, checks everything it needs before listening (sources,
 * files, required variables, modules), serves it until SIGINT/SIGTERM, then shuts down cleanly.
 */
import { loadManifest } from "../../manifest/load.ts";
import { buildApp } from "../../build/build-app.ts";
import { formatStartup } from "../../triggers/http/route-table.ts";
import { locateManifest } from "../app-location.ts";
import { flagOption, stringOption, type Command, type ParsedOptions } from "../command.ts";
import {
  nextTerminationSignal,
  prepareApp,
  SERVE_OPTIONS,
  SERVE_USAGE,
  serveSettings,
  startServing,
} from "../serve.ts";

export const upCommand: Command = {
  name: "up",
  summary: "Start the app and serve it",
  usage: `Usage: spindle up [options]

Options:
${SERVE_USAGE}      --build                 run \`spindle build\` first
`,
  options: { ...SERVE_OPTIONS, build: { type: "boolean" } },
  run: up,
};

async function up(options: ParsedOptions): Promise<number> {
  const manifest = await loadManifest(locateManifest(stringOption(options, "from"), process.cwd()));
  const settings = serveSettings(options);
  if (flagOption(options, "build")) {
    await buildApp(manifest, { report: (line) => process.stdout.write(`${line}\n`) });
  }
  for (const warning of manifest.warnings) process.stderr.write(`Warning: ${warning}\n`);
  const trigger = await startServing(manifest, await prepareApp(manifest, settings), settings);
  process.stdout.write(formatStartup(trigger.baseUrl, trigger.routes));
  const signal = await nextTerminationSignal();
  process.stderr.write(`Received ${signal}, shutting down\n`);
  await trigger.close();
  return 0;
}
