/**
 * `spindle up`: loads an app from its spin.toml, checks everything it needs before listening (sources,
 * files, required variables, modules), serves it until SIGINT/SIGTERM, then shuts down cleanly.
 */
import { join } from "node:path";
import { loadManifest } from "../../manifest/load.ts";
import { SpindleError } from "../../errors.ts";
import { looksLikeReference } from "../../oci/reference.ts";
import { buildApp } from "../../build/build-app.ts";
import { locateManifest } from "../app-location.ts";
import { flagOption, stringOption, type Command, type ParsedOptions } from "../command.ts";
import {
  nextTerminationSignal,
  prepareApp,
  prepareRegistryApp,
  SERVE_OPTIONS,
  SERVE_USAGE,
  serveSettings,
  startServing,
  startupBanner,
  type RunningServe,
} from "../serve.ts";

export const upCommand: Command = {
  name: "up",
  usage: `Usage: spindle up [options]

-f also takes a registry reference (ghcr.io/me/app:v1, 127.0.0.1:5000/app@sha256:…): the app is pulled (or
taken from the cache) and served as pushed by \`spindle registry push\` or \`spin registry push\`.

Options:
${SERVE_USAGE}      --build                 run \`spindle build\` first
`,
  options: { ...SERVE_OPTIONS, build: { type: "boolean" } },
  run: up,
};

async function up(options: ParsedOptions): Promise<number> {
  const from = stringOption(options, "from");
  const settings = serveSettings(options);
  let trigger: RunningServe;
  if (from !== undefined && looksLikeReference(from)) {
    if (flagOption(options, "build")) {
      throw new SpindleError(`--build cannot build ${from}: it is a registry reference, not a local app`, {
        hint: "drop --build, or pass a directory or spin.toml with -f",
      });
    }
    trigger = await startServing(await prepareRegistryApp(from, settings), settings, undefined);
  } else {
    const manifest = await loadManifest(locateManifest(from, process.cwd()));
    if (flagOption(options, "build")) {
      await buildApp(manifest, { out: process.stdout });
    }
    for (const warning of manifest.warnings) process.stderr.write(`Warning: ${warning}\n`);
    const runnable = await prepareApp(manifest, settings);
    trigger = await startServing(runnable, settings, join(manifest.dir, ".spin"));
  }
  process.stdout.write(startupBanner(trigger));
  const signal = await nextTerminationSignal();
  process.stderr.write(`Received ${signal}, shutting down\n`);
  await trigger.close();
  return 0;
}
