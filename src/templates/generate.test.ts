import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, mkdir, readFile, rm, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { SpindleError } from "../errors.ts";
import { findTemplate, listTemplates } from "./catalog.ts";
import { generateProject, resolveValues } from "./generate.ts";

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "spindle-new-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** TOML tables as plain objects, so deepEqual compares contents only. */
function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

test("the built-in templates are listed with their descriptions", async () => {
  const templates = await listTemplates();
  assert.deepEqual(
    templates.map((t) => t.id),
    ["http-c", "http-js", "http-ts", "http-wat", "redis-ts"],
  );
  for (const template of templates) {
    assert.match(template.description, /^(HTTP request|Redis message) handler/, template.id);
  }
});

test("every built-in template renders to a manifest naming the project", async (t) => {
  for (const template of await listTemplates()) {
    const out = join(await tempDir(t), "my-app");
    const files = await generateProject({ template, name: "my-app", values: new Map(), outputDir: out });
    assert.ok(files.includes("spin.toml") && files.includes(".gitignore"), template.id);
    const manifest = plain(parse(await readFile(join(out, "spin.toml"), "utf8")));
    const { trigger, ...application } = manifest["application"] as Record<string, unknown>;
    assert.deepEqual(application, { name: "my-app", version: "0.1.0", description: "" }, template.id);
    const redis = template.id.startsWith("redis-");
    assert.deepEqual(trigger, redis ? { redis: { address: "redis://localhost:6379" } } : undefined);
    assert.deepEqual(Object.keys(manifest["component"] as object), ["my-app"], template.id);
    for (const file of files) {
      const text = await readFile(join(out, file), "utf8");
      assert.doesNotMatch(text, /\{\{\s*[a-z]+-[a-z-]+/, `${template.id}/${file} still has a placeholder`);
    }
  }
});

test("the JS and TS templates name the component file after the npm package", async (t) => {
  const out = join(await tempDir(t), "shop-api");
  await generateProject({
    template: await findTemplate("http-ts"),
    name: "shop-API",
    values: new Map([["http-path", "/shop/..."]]),
    outputDir: out,
  });
  const manifest = plain(parse(await readFile(join(out, "spin.toml"), "utf8")));
  const pkg = JSON.parse(await readFile(join(out, "package.json"), "utf8")) as { name: string };
  assert.equal(pkg.name, "shop-api");
  assert.deepEqual(manifest["component"], {
    "shop-api": {
      source: "dist/shop-api.wasm",
      exclude_files: ["**/node_modules"],
      build: { command: ["npm install", "npm run build"], watch: ["src/**/*.ts"] },
    },
  });
  assert.deepEqual(manifest["trigger"], { http: [{ route: "/shop/...", component: "shop-api" }] });
});

test("a non-empty output directory is refused and left as it was", async (t) => {
  const out = await tempDir(t);
  await writeFile(join(out, "keep.txt"), "mine");
  const template = await findTemplate("http-js");
  await assert.rejects(
    generateProject({ template, name: "app", values: new Map(), outputDir: out }),
    (e: unknown) => e instanceof SpindleError && e.message.includes("already exists and is not empty"),
  );
  assert.deepEqual(await readdir(out), ["keep.txt"]);
});

test("an empty existing output directory is used", async (t) => {
  const out = join(await tempDir(t), "empty");
  await mkdir(out);
  const files = await generateProject({
    template: await findTemplate("http-wat"),
    name: "app",
    values: new Map(),
    outputDir: out,
  });
  assert.deepEqual(files, [".gitignore", "main.wat", "spin.toml"]);
});

test("names, unknown parameters and pattern violations are checked before writing", async () => {
  const template = await findTemplate("http-ts");
  assert.throws(() => resolveValues(template, "my_app", new Map()), /invalid project name "my_app"/);
  assert.throws(() => resolveValues(template, "1app", new Map()), /must start with an ASCII letter/);
  assert.throws(() => resolveValues(template, "app", new Map([["colour", "red"]])), /no parameter "colour"/);
  assert.throws(
    () => resolveValues(template, "app", new Map([["http-path", "no-slash"]])),
    /invalid value "no-slash" for http-path/,
  );
  assert.deepEqual(
    resolveValues(template, "app", new Map([["project-description", "Shop"]])),
    new Map([
      ["project-name", "app"],
      ["project-description", "Shop"],
      ["http-path", "/..."],
    ]),
  );
});

test("binary files are copied byte for byte and file names are rendered", async (t) => {
  const root = await tempDir(t);
  const content = join(root, "bin-tpl", "content");
  await mkdir(join(root, "bin-tpl", "metadata"), { recursive: true });
  await mkdir(content);
  await writeFile(
    join(root, "bin-tpl", "metadata", "spin-template.toml"),
    'id = "bin-tpl"\ndescription = "test"\n',
  );
  const bytes = Uint8Array.from([0, 97, 115, 109, 123, 123, 1]);
  await writeFile(join(content, "{{project-name | snake_case}}.bin"), bytes);
  const out = join(root, "out");
  const template = await findTemplate("bin-tpl", root);
  assert.deepEqual(await generateProject({ template, name: "x-y", values: new Map(), outputDir: out }), [
    "x_y.bin",
  ]);
  assert.deepEqual(new Uint8Array(await readFile(join(out, "x_y.bin"))), bytes);
});
