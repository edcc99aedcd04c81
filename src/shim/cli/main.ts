/**
 * `containerd-shim-spindle-v2`'s entry: parses containerd's flags and runs the action — `start`
 * (daemonize and print the address), `delete` (clean up), or serve (the daemon itself) — or prints the
 * version for `-v`. Returns the exit status; only the bin script exits the process.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { SpindleError } from "../../errors.ts";
import { parseShimArgs } from "./args.ts";

export async function shimMain(argv: readonly string[], self: string): Promise<number> {
  try {
    const args = parseShimArgs(argv);
    if (args.version) {
      process.stdout.write(versionText(self));
      return 0;
    }
    // Each action loads only its own modules: `start` runs on every container's cold start and needs
    // none of the runtime the daemon loads.
    if (args.action === "start") {
      const { startShim } = await import("./start.ts");
      await startShim(args, { cwd: process.cwd(), self, stdout: process.stdout });
    } else if (args.action === "delete") {
      const { deleteShim } = await import("./delete.ts");
      await deleteShim(args, process.cwd(), process.stdout);
    } else {
      const { serveShim } = await import("./serve.ts");
      await serveShim(args);
    }
    return 0;
  } catch (error) {
    const text = error instanceof SpindleError ? error.message : error instanceof Error ? error.stack : error;
    process.stderr.write(`${String(text)}\n`);
    return 1;
  }
}

/** runwasi's `-v` format: the binary's name, then runtime, version and revision. */
function versionText(self: string): string {
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return `${basename(self, ".js")}:\n  Runtime: spindle\n  Version: ${pkg.version}\n  Revision: <none>\n\n`;
}
