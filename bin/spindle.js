#!/usr/bin/env node
// Entry point for the `spindle` command. Plain JavaScript on purpose: it must parse on any Node so that an
// old runtime gets a clear message instead of a syntax error from the TypeScript sources it loads next.
import module from "node:module";

const [major] = process.versions.node.split(".").map(Number);
if (major === undefined || major < 24) {
  process.stderr.write(
    `spindle needs Node.js 24 or newer (it uses WebAssembly JSPI and node:sqlite); this is Node ${process.versions.node}.\n` +
      "Run it through the project's pinned runtime: `npm ci` installs Node 26, then use `npx spindle …` or `npm run spindle -- …`.\n",
  );
  process.exit(1);
}
// Node keeps the type-stripped, compiled sources in its compile cache (in the temp directory, or where
// NODE_COMPILE_CACHE says), which cuts start-up by more than half; an unusable cache is simply skipped.
module.enableCompileCache?.();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
