// Builds the component in three steps, stopping at the first failure with a non-zero exit status:
// type-check the sources, bundle them into one ES module with esbuild, then turn the bundle into a
// WebAssembly component with the Spin JS SDK's j2w (ComponentizeJS), written to dist/<package name>.wasm.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { build } from "esbuild";
import { SpinEsbuildPlugin } from "@spinframework/build-tools/plugins/esbuild/index.js";

const { name } = JSON.parse(readFileSync("package.json", "utf8"));
const entry = "src/index.ts";
const bundle = "build/bundle.js";
const component = `dist/${name}.wasm`;
const resolve = createRequire(import.meta.url).resolve;

function fail(message) {
  console.error(`build failed: ${message}`);
  process.exit(1);
}

/** Runs a Node.js script from a dependency; returns its combined output, failing on a non-zero status. */
function runNode(script, args) {
  const run = spawnSync(process.execPath, [resolve(script), ...args], { encoding: "utf8" });
  process.stdout.write(run.stdout ?? "");
  process.stderr.write(run.stderr ?? "");
  if (run.status !== 0) fail(`${script} exited with status ${run.status}`);
  return `${run.stdout}${run.stderr}`;
}

runNode("typescript/bin/tsc", ["--noEmit", "-p", "."]);

// j2w writes nothing (and still exits 0) when the output directory is missing.
mkdirSync("build", { recursive: true });
mkdirSync("dist", { recursive: true });

await build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  format: "esm",
  platform: "browser",
  logLevel: "warning",
  plugins: [await SpinEsbuildPlugin()],
});

const output = runNode("@spinframework/build-tools/dist/index.js", ["-i", bundle, "-o", component]);
if (/error occurred/i.test(output) || !existsSync(component)) fail(`j2w did not produce ${component}`);
console.log(`Built ${component}`);
