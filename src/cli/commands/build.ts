/** `spindle build`: runs the components' build commands; `--up` then starts the app as `spindle up` would. */
import { loadManifest } from "../../manifest/load.ts";
import { buildApp } from "../../build/build-app.ts";
import { locateManifest } from "../app-location.ts";
import { flagOption, listOption, stringOption, type Command } from "../command.ts";
import { upCommand } from "./up.ts";

export const buildCommand: Command = {
  name: "build",
  usage: `Usage: spindle build [options]

Runs each component's [component.<id>.build] command in its workdir, printing its output as it goes.

Options:
  -f, --from <DIR|FILE>     the app: a spin.toml file or a directory holding one (default: .)
  -c, --component-id <ID>   build only this component (repeatable)
  -u, --up                  start the app after building (takes \`spindle up\` options too)
`,
  options: {
    ...upCommand.options,
    "component-id": { type: "string", short: "c", multiple: true },
    up: { type: "boolean", short: "u" },
  },
  async run(options) {
    const manifest = await loadManifest(locateManifest(stringOption(options, "from"), process.cwd()));
    const only = listOption(options, "component-id");
    await buildApp(manifest, {
      only: only.length > 0 ? only : undefined,
      out: process.stdout,
    });
    return flagOption(options, "up") ? upCommand.run(options) : 0;
  },
};
