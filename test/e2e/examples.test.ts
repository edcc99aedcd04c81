// End to end: the examples build from source with `spindle build` and serve what their READMEs promise.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { makeApp } from "../support/apps.ts";
import { BIN, runSpindle, startApp } from "../support/cli.ts";
import { request } from "../support/http.ts";

const runProcess = promisify(execFile);
const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}/`, import.meta.url));

describe("examples", { concurrency: 2 }, () => {
  it("hello-c builds with clang and answers JSON", async (t) => {
    const build = await runSpindle(["build", "-f", example("hello-c")]);
    assert.equal(build.code, 0, build.stderr);
    assert.ok(build.stdout.includes("Building component hello with `mkdir -p target && clang"), build.stdout);
    assert.ok(existsSync(`${example("hello-c")}target/hello.wasm`));
    const app = await startApp(t, ["-f", example("hello-c")]);
    const response = await request(app.url, "/hello?name=test");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json");
    const body = JSON.parse(response.body) as Record<string, string>;
    assert.equal(body["method"], "GET");
    assert.equal(body["path"], "/hello");
    assert.equal(body["query"], "name=test");
  });

  it("hello-wat builds with wat2wasm and answers text naming the path", async (t) => {
    const app = await startApp(t, ["--build", "-f", example("hello-wat")]);
    const response = await request(app.url, "/some/where");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain");
    assert.equal(response.body, "Hello from hand-written WebAssembly text! You asked for /some/where.\n");
  });

  it("refuses to build a component the manifest does not have", async () => {
    const build = await runSpindle(["build", "-f", example("hello-c"), "--component-id", "nope"]);
    assert.equal(build.code, 1);
    assert.ok(build.stderr.includes('no component "nope"'), build.stderr);
    assert.ok(build.stderr.includes("the components are: hello"), build.stderr);
  });

  it("stops at a failing build command, naming the component, command and status", async (t) => {
    const dir = makeApp(t, {
      manifest: `spin_manifest_version = 2
[application]
name = "broken"
[[trigger.http]]
route = "/..."
component = "broken"
[component.broken]
source = "out.wasm"
[component.broken.build]
command = ["echo first", "exit 7", "echo never"]
`,
    });
    const build = await runSpindle(["build", "-f", dir]);
    assert.equal(build.code, 1);
    assert.ok(build.stdout.includes("first\n"), build.stdout);
    assert.ok(!build.stdout.includes("never"), build.stdout);
    assert.ok(
      build.stderr.includes("build command for component broken failed with status 7: `exit 7`"),
      build.stderr,
    );
  });

  it("draws one progress bar on a terminal, with the build's output scrolling above it", async (t) => {
    const dir = makeApp(t, {
      manifest: `spin_manifest_version = 2
[application]
name = "two-steps"
[[trigger.http]]
route = "/..."
component = "two"
[component.two]
source = "out.wasm"
[component.two.build]
command = ["echo first step", "echo second step >&2"]
`,
    });
    // `script` gives the command a pseudo-terminal, as a developer's shell would.
    const shell = `${process.execPath} ${BIN} build -f ${dir}`;
    const { stdout } = await runProcess("script", ["-qec", shell, "/dev/null"]);
    assert.ok(!stdout.includes("Building component two with"), stdout);
    assert.match(stdout, /\rBuilding \[>? *\] 0 \/ 2 two: echo first step/);
    const clear = "\r\x1b[K";
    assert.ok(stdout.includes(`${clear}first step\r\n`), stdout);
    assert.ok(stdout.includes(`${clear}second step\r\n`), stdout);
    assert.match(stdout, /\rBuilding \[=+>? *\] 1 \/ 2 two: echo second step/);
    assert.ok(stdout.includes(`${clear}Finished building all components\r\n`), stdout);
  });
});
