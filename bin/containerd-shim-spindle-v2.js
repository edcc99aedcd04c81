#!/usr/bin/env node
// containerd-shim-spindle-v2: the containerd runtime v2 shim. Plain JavaScript on purpose: containerd runs
// it with whatever `node` is first on its PATH, often older than the Node 24+ the TypeScript sources need;
// then this script re-runs itself with the project's pinned Node (node_modules/node), passing stdio,
// arguments and exit status through.
import { spawnSync } from "node:child_process";
import module from "node:module";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const [major] = process.versions.node.split(".").map(Number);
if (major === undefined || major < 24) {
  const pinned = fileURLToPath(new URL("../node_modules/node/bin/node", import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(
      `containerd-shim-spindle-v2 needs Node.js 24 or newer; run \`npm ci\` in ${fileURLToPath(new URL("..", import.meta.url))}\n`,
    );
    process.exit(1);
  }
  const result = spawnSync(pinned, [self, ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(result.status ?? 1);
}
// Type-stripped, compiled sources from Node's compile cache: a shim starts for every pod.
module.enableCompileCache?.();
const { shimMain } = await import("../src/shim/cli/main.ts");
process.exit(await shimMain(process.argv.slice(2), self));
