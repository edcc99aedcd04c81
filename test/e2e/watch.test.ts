// End to end: `spindle watch` rebuilds on a source change and reloads on the same port, reloads on
// spin.toml edits, keeps serving the last good app when a build breaks, and is not retriggered by its
// own build output; its dashboard follows the reloaded app.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import { adminUrl } from "../support/prometheus.ts";

const source = (text: string) => `#include <stdio.h>
int main(void) { printf("content-type: text/plain\\n\\n${text}\\n"); return 0; }
`;

const manifest = (extraRoute = "") => `spin_manifest_version = 2
[application]
name = "watched"
[[trigger.http]]
route = "/..."
component = "app"
executor = { type = "wagi" }
${extraRoute}
[component.app]
source = "target/app.wasm"
[component.app.build]
command = "mkdir -p target && clang --target=wasm32-wasi -O2 -o target/app.wasm app.c"
watch = ["**/*.c", "target/**"]
`;

async function until(app: RunningApp, count: number, pattern: RegExp): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    const { stdout, stderr } = app.output();
    if ((`${stdout}\n${stderr}`.match(pattern) ?? []).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `timed out waiting for ${count}× ${pattern}:\n${app.output().stdout}\n${app.output().stderr}`,
  );
}

describe("spindle watch", () => {
  it("rebuilds, reloads, survives a broken build and does not loop on its own output", async (t) => {
    const dir = makeApp(t, { manifest: manifest(), files: { "app.c": source("version A") } });
    const app = await startApp(t, ["-f", dir], { command: "watch" });
    assert.equal((await request(app.url, "/")).body, "version A\n");

    writeFileSync(join(dir, "app.c"), source("version B"));
    await until(app, 1, /^Reloaded watched \(rebuilt app\)$/gm);
    assert.equal((await request(app.url, "/")).body, "version B\n");

    writeFileSync(join(dir, "app.c"), "this is not C");
    await until(app, 1, /Still serving the last app that loaded/g);
    assert.equal((await request(app.url, "/")).body, "version B\n");

    writeFileSync(
      join(dir, "spin.toml"),
      manifest('[[trigger.http]]\nroute = "/extra"\ncomponent = "app"\nexecutor = { type = "wagi" }\n'),
    );
    writeFileSync(join(dir, "app.c"), source("version C"));
    await until(app, 1, /^Reloaded watched \(spin\.toml changed\)$/gm);
    assert.equal((await request(app.url, "/extra")).body, "version C\n");

    const builds = (app.output().stdout.match(/^Building component app/gm) ?? []).length;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(
      (app.output().stdout.match(/^Building component app/gm) ?? []).length,
      builds,
      app.output().stdout,
    );
  });

  it("shows the reloaded app's name and routes on the dashboard", async (t) => {
    const dashboarded = (name: string, routes: string) => `spin_manifest_version = 2
[application]
name = "${name}"
${routes}
[component.status]
source = "status.wasm"
`;
    const route = (path: string) =>
      `[[trigger.http]]\nroute = "${path}"\ncomponent = "status"\nexecutor = { type = "wagi" }\n`;
    const dir = makeApp(t, {
      manifest: dashboarded("before", route("/a")),
      guests: { "status.wasm": "wagi-status" },
    });
    const app = await startApp(t, ["-f", dir, "--admin-listen", "127.0.0.1:0"], { command: "watch" });
    const snapshot = async () => {
      const { app: view } = (await (await fetch(`${adminUrl(app)}/api/snapshot`)).json()) as {
        app: { name: string; routes: unknown };
      };
      return { name: view.name, routes: view.routes };
    };
    assert.deepEqual(await snapshot(), { name: "before", routes: [{ component: "status", route: "/a" }] });

    writeFileSync(join(dir, "spin.toml"), dashboarded("after", route("/a") + route("/b")));
    await until(app, 1, /^Reloaded after \(spin\.toml changed\)$/gm);
    assert.deepEqual(await snapshot(), {
      name: "after",
      routes: [
        { component: "status", route: "/a" },
        { component: "status", route: "/b" },
      ],
    });
  });
});
