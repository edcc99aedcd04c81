// End to end: a component's `files` are readable by the guest at their mapped paths, read-only, and
// nothing else on the host is.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import { suiteScope } from "../support/scope.ts";

const MANIFEST = `spin_manifest_version = 2
[application]
name = "files"

[[trigger.http]]
route = "/..."
component = "cat"
executor = { type = "wagi" }

[component.cat]
source = "cat.wasm"
files = ["static/**/*", { source = "assets", destination = "/data" }, "single.txt", { source = "config/app.json", destination = "/etc/app.json" }]
exclude_files = ["static/private/**"]
`;

describe("component files", () => {
  const scope = suiteScope();
  let app: RunningApp;
  before(async () => {
    const dir = makeApp(scope, {
      manifest: MANIFEST,
      guests: { "cat.wasm": "cat-file" },
      files: {
        "static/index.html": "<h1>hi</h1>",
        "static/css/site.css": "body{}",
        "static/private/key.pem": "secret",
        "assets/logo.txt": "logo",
        "single.txt": "single",
        "config/app.json": "{}",
        "not-listed.txt": "hidden",
      },
    });
    writeFileSync(join(dirname(dir), "spindle-outside.txt"), "outside");
    app = await startApp(scope, ["-f", dir]);
  });

  const read = (path: string) => request(app.url, `/?${path}`);

  for (const [path, content] of [
    ["/static/index.html", "<h1>hi</h1>"],
    ["/static/css/site.css", "body{}"],
    ["/data/logo.txt", "logo"],
    ["/single.txt", "single"],
    ["/etc/app.json", "{}"],
    ["/static/../single.txt", "single"],
  ] as const) {
    it(`reads ${path}`, async () => {
      const response = await read(path);
      assert.equal(response.status, 200, response.body);
      assert.equal(response.body, content);
    });
  }

  for (const [path, why] of [
    ["/static/private/key.pem", "excluded by exclude_files"],
    ["/not-listed.txt", "not listed in files"],
    ["/config/app.json", "only mapped to its destination"],
    ["/etc/passwd", "a host path"],
  ] as const) {
    it(`cannot see ${path} (${why})`, async () => {
      const response = await read(path);
      assert.equal(response.status, 404);
      assert.equal(response.body, `${path}: No such file or directory\n`);
    });
  }

  it("cannot climb out of the mount with ..", async () => {
    const response = await read("/../spindle-outside.txt");
    assert.equal(response.status, 404);
    assert.equal(response.body, "/../spindle-outside.txt: Capabilities insufficient\n");
  });

  it("cannot open a mounted file for writing", async () => {
    const response = await read("w:/single.txt");
    assert.equal(response.status, 404);
    assert.equal(response.body, "/single.txt: Operation not permitted\n");
  });
});
