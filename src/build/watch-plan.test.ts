import { test } from "node:test";
import assert from "node:assert/strict";
import { parseManifest } from "../manifest/load.ts";
import { classifyChange, mergeChanges, watchPlan } from "./watch-plan.ts";

const manifest = parseManifest(
  `spin_manifest_version = 2
[application]
name = "w"
[[trigger.http]]
route = "/..."
component = "api"
[[trigger.http]]
route = "/static/..."
component = "web"
[component.api]
source = "target/api.wasm"
files = ["static/**/*"]
[component.api.build]
command = "make"
watch = ["**/*.c", "target/**/*"]
[component.web]
source = "web/dist/web.wasm"
files = [{ source = "assets", destination = "/" }]
[component.web.build]
command = "npm run build"
workdir = "web"
watch = ["src/**/*.ts"]
`,
  "/app/spin.toml",
);
const plan = watchPlan(manifest);

test("an edit to spin.toml is a manifest change", () => {
  assert.deepEqual(classifyChange(plan, "/app/spin.toml"), { kind: "manifest" });
});

test("watch globs rebuild their component, relative to its workdir", () => {
  assert.deepEqual(classifyChange(plan, "/app/web/src/index.ts"), {
    kind: "rebuild",
    components: ["web"],
  });
  assert.equal(classifyChange(plan, "/app/web/index.ts"), undefined);
  assert.deepEqual(classifyChange(plan, "/app/main.c"), { kind: "rebuild", components: ["api"] });
});

test("a component's own build output reloads and never rebuilds, even under a broad glob", () => {
  assert.deepEqual(classifyChange(plan, "/app/target/api.wasm"), { kind: "reload" });
  assert.deepEqual(classifyChange(plan, "/app/web/dist/web.wasm"), { kind: "reload" });
});

test("files reload; state, dependencies and VCS folders are ignored", () => {
  assert.deepEqual(classifyChange(plan, "/app/assets/logo.png"), { kind: "reload" });
  assert.equal(classifyChange(plan, "/app/.spin/logs/api_stderr.txt"), undefined);
  assert.equal(classifyChange(plan, "/app/web/node_modules/x/index.js"), undefined);
  assert.equal(classifyChange(plan, "/app/.git/index"), undefined);
  assert.equal(classifyChange(plan, "/elsewhere/file"), undefined);
});

test("merging: the manifest wins, then rebuilds merged, then reload", () => {
  assert.deepEqual(mergeChanges([{ kind: "reload" }, { kind: "manifest" }]), { kind: "manifest" });
  assert.deepEqual(
    mergeChanges([
      { kind: "rebuild", components: ["a"] },
      { kind: "reload" },
      { kind: "rebuild", components: ["b", "a"] },
    ]),
    { kind: "rebuild", components: ["a", "b"] },
  );
  assert.deepEqual(mergeChanges([{ kind: "reload" }]), { kind: "reload" });
  assert.equal(mergeChanges([]), undefined);
});
