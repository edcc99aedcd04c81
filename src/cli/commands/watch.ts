/**
 * `spindle watch`: builds and serves the app, then rebuilds the components whose `build.watch` files change
 * and reloads the app on the same socket, so requests in flight finish on the app they started on. An edit
 * to spin.toml reloads the manifest and rebuilds everything. A failed build or a broken manifest is
 * reported and the last good app keeps serving.
 */
import { join } from "node:path";
import { loadManifest } from "../../manifest/load.ts";
import type { Manifest } from "../../manifest/schema.ts";
import { buildApp } from "../../build/build-app.ts";
import { watchApp } from "../../build/file-watcher.ts";
import { watchPlan, type Change } from "../../build/watch-plan.ts";
import { SpindleError } from "../../errors.ts";
import { locateManifest } from "../app-location.ts";
import { flagOption, stringOption, type Command, type ParsedOptions } from "../command.ts";
import {
  nextTerminationSignal,
  prepareApp,
  SERVE_OPTIONS,
  SERVE_USAGE,
  serveSettings,
  startServing,
  startupBanner,
  type RunningServe,
  type ServeSettings,
} from "../serve.ts";

export const watchCommand: Command = {
  name: "watch",
  usage: `Usage: spindle watch [options]

Rebuilds a component when a file matching its [component.<id>.build] watch globs changes, reloads the app
when a component's source or files change, and does both for every component when spin.toml changes.

Options:
${SERVE_USAGE}      --skip-build            do not build before the first start (changes still rebuild)
`,
  options: { ...SERVE_OPTIONS, "skip-build": { type: "boolean" } },
  run: watchAndServe,
};

const report = (line: string) => process.stdout.write(`${line}\n`);

async function watchAndServe(options: ParsedOptions): Promise<number> {
  const manifestPath = locateManifest(stringOption(options, "from"), process.cwd());
  const settings = serveSettings(options);
  let manifest = await loadManifest(manifestPath);
  if (!flagOption(options, "skip-build")) await buildApp(manifest, { out: process.stdout });
  const trigger = await startServing(
    await prepareApp(manifest, settings),
    settings,
    join(manifest.dir, ".spin"),
  );
  process.stdout.write(startupBanner(trigger));
  let queue = Promise.resolve();
  const watcher = watchApp(watchPlan(manifest), (change) => {
    queue = queue.then(async () => {
      watcher.setBusy(true);
      try {
        manifest = await apply(change, { manifest, manifestPath, settings, trigger });
        watcher.setPlan(watchPlan(manifest));
      } finally {
        watcher.setBusy(false);
      }
    });
  });
  const signal = await nextTerminationSignal();
  process.stderr.write(`Received ${signal}, shutting down\n`);
  watcher.close();
  await queue;
  await trigger.close();
  return 0;
}

interface WatchState {
  readonly manifest: Manifest;
  readonly manifestPath: string;
  readonly settings: ServeSettings;
  readonly trigger: RunningServe;
}

/** Acts on one merged change; returns the manifest now in use (the old one if anything failed). */
async function apply(change: Change, state: WatchState): Promise<Manifest> {
  try {
    const manifest = change.kind === "manifest" ? await loadManifest(state.manifestPath) : state.manifest;
    if (change.kind !== "reload") {
      const only = change.kind === "rebuild" ? change.components : undefined;
      await buildApp(manifest, { only, out: process.stdout });
    }
    const { app, variables } = await prepareApp(manifest, state.settings);
    await state.trigger.reload(app, variables);
    report(`Reloaded ${manifest.application.name} (${describe(change)})`);
    return manifest;
  } catch (error) {
    if (!(error instanceof SpindleError)) throw error;
    process.stderr.write(
      `Error: ${error.message}\n${error.hint === undefined ? "" : `  hint: ${error.hint}\n`}`,
    );
    process.stderr.write("Still serving the last app that loaded; fix the problem and save again.\n");
    return state.manifest;
  }
}

function describe(change: Change): string {
  if (change.kind === "manifest") return "spin.toml changed";
  if (change.kind === "rebuild") return `rebuilt ${change.components.join(", ")}`;
  return "files changed";
}
