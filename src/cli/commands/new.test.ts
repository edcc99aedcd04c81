import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SpindleError } from "../../errors.ts";
import { newCommand } from "./new.ts";

/** Runs `spindle new ...args` in this process, parsing the arguments as the CLI entry does. */
async function runNew(t: TestContext, args: string[]): Promise<{ code: number; stdout: string }> {
  const parsed = parseArgs({ args, options: newCommand.options, allowPositionals: true, strict: true });
  let stdout = "";
  const write = process.stdout.write.bind(process.stdout);
  // The command writes strings; the test runner's own reporting (bytes) still goes through.
  t.mock.method(process.stdout, "write", (chunk: string | Uint8Array) => {
    if (typeof chunk !== "string") return write(chunk);
    stdout += chunk;
    return true;
  });
  try {
    return { code: await newCommand.run(parsed), stdout };
  } finally {
    t.mock.restoreAll();
  }
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "spindle-new-cli-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("--list prints every template with its description", async (t) => {
  const { code, stdout } = await runNew(t, ["--list"]);
  assert.equal(code, 0);
  const lines = stdout.trimEnd().split("\n");
  assert.deepEqual(
    lines.map((l) => l.split(/\s+/)[0]),
    ["http-c", "http-js", "http-ts", "http-wat", "redis-ts"],
  );
  assert.match(stdout, /^http-ts {2,}HTTP request handler using TypeScript/m);
});

test("a project is rendered into --output with the given values, and next steps are printed", async (t) => {
  const out = join(await tempDir(t), "hello");
  const { code, stdout } = await runNew(t, [
    "http-ts",
    "hello-api",
    "--output",
    out,
    "--accept-defaults",
    "--value",
    "project-description=My API",
  ]);
  assert.equal(code, 0);
  assert.deepEqual((await readdir(out, { recursive: true })).sort(), [
    ".gitignore",
    "build.mjs",
    "package.json",
    "spin.toml",
    "src",
    "src/fetch-event.d.ts",
    "src/index.ts",
    "src/spin-host.d.ts",
    "tsconfig.json",
    "wit",
    "wit/deps",
    "wit/deps/fermyon-spin",
    "wit/deps/fermyon-spin/spin.wit",
    "wit/spin-host.wit",
  ]);
  const manifest = await readFile(join(out, "spin.toml"), "utf8");
  assert.match(manifest, /^name = "hello-api"$/m);
  assert.match(manifest, /^description = "My API"$/m);
  assert.match(manifest, /^\[component\.hello-api\]$/m);
  assert.match(stdout, /^Created .*hello from template http-ts \(10 files\)\.$/m);
  assert.match(stdout, /^ {2}spindle build --up$/m);
});

test("without --output the project goes into ./NAME", async (t) => {
  const dir = await tempDir(t);
  const cwd = process.cwd();
  process.chdir(dir);
  t.after(() => process.chdir(cwd));
  const { stdout } = await runNew(t, ["http-c", "greeter", "--accept-defaults"]);
  assert.deepEqual((await readdir(join(dir, "greeter"))).sort(), [".gitignore", "main.c", "spin.toml"]);
  assert.match(await readFile(join(dir, "greeter", "spin.toml"), "utf8"), /target\/greeter\.wasm main\.c/);
  assert.match(stdout, /^ {2}cd greeter$/m);
});

test("an existing non-empty directory is not overwritten", async (t) => {
  const out = await tempDir(t);
  await writeFile(join(out, "spin.toml"), "mine");
  await assert.rejects(
    runNew(t, ["http-js", "app", "-o", out, "--accept-defaults"]),
    (e: unknown) =>
      e instanceof SpindleError && e.message === `directory ${out} already exists and is not empty`,
  );
  assert.equal(await readFile(join(out, "spin.toml"), "utf8"), "mine");
});

test("a bad name, an unknown template and missing arguments are clear errors", async (t) => {
  const out = join(await tempDir(t), "x");
  await assert.rejects(runNew(t, ["http-ts", "My_App", "-o", out]), /invalid project name "My_App"/);
  await assert.rejects(runNew(t, ["http-go", "app", "-o", out]), (e: unknown) => {
    return e instanceof SpindleError && e.message === 'no template "http-go"' && /http-ts/.test(e.hint ?? "");
  });
  await assert.rejects(runNew(t, ["http-ts"]), /needs a template and a project name/);
  await assert.rejects(runNew(t, ["http-ts", "app", "-v", "novalue", "-o", out]), /is not KEY=VALUE/);
  await assert.rejects(readdir(out), { code: "ENOENT" });
});
