// End to end: the Spindle runtime image, built from scratch by `scripts/build-image.ts` without a container
// engine, runs under Debian's containerd with its default runtime (runc), as a `spinImage` executor's pod
// does: `spindle up --listen … -f <app image>` pulls a Spin app from a registry and serves it, as the
// image's unprivileged user.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { greetManifest, makeApp } from "../support/apps.ts";
import { runSpindle } from "../support/cli.ts";
import { containerdUnavailable, startContainerd, type Containerd } from "../support/containerd.ts";
import { request } from "../support/http.ts";
import { freePort } from "../support/ports.ts";
import { registryUnavailable, startRegistry, type TestRegistry } from "../support/registry.ts";
import { suiteScope } from "../support/scope.ts";

const SCRIPT = new URL("../../scripts/build-image.ts", import.meta.url).pathname;

const MANIFEST = greetManifest("imaged", "hello from the Spindle image");

const skip = containerdUnavailable() ?? registryUnavailable() ?? false;

describe("the Spindle runtime image", { skip }, () => {
  const scope = suiteScope();
  let containerd: Containerd;
  let registry: TestRegistry;
  let work: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "spindle-runtime-image-"));
    scope.after(() => rmSync(work, { recursive: true, force: true }));
    [containerd, registry] = await Promise.all([startContainerd(scope), startRegistry(scope)]);
    const image = join(work, "spindle-image.tar");
    await promisify(execFile)(process.execPath, [SCRIPT, "--output", image, "--tag", "test"]);
    const imported = await containerd.ctr("images", "import", "--base-name", "localhost/spindle", image);
    assert.equal(imported.code, 0, imported.stderr);
  });

  it("pulls an app from a registry and serves it under runc, as a spinImage pod does", async () => {
    const reference = `${registry.host}/imaged/app:v1`;
    const app = makeApp(scope, { manifest: MANIFEST, guests: { "greet.wasm": "greet-var" } });
    const home = join(work, "push");
    const pushed = await runSpindle(["registry", "push", reference, "-f", app], {
      env: { XDG_CACHE_HOME: join(home, "cache"), DOCKER_CONFIG: join(home, "docker") },
    });
    assert.equal(pushed.code, 0, pushed.stderr);

    const port = await freePort();
    const log = join(work, "container.log");
    const ran = await containerd.ctr(
      ...["run", "-d", "--net-host", "--log-uri", `file://${log}`, "localhost/spindle:test", "spindled"],
      // `ctr run` replaces the image's entrypoint with the arguments it is given; Kubernetes appends `args`.
      ...["/usr/local/bin/node", "/opt/spindle/bin/spindle.js", "up", "--listen", `127.0.0.1:${port}`],
      ...["-f", reference],
    );
    assert.equal(ran.code, 0, ran.stderr);
    scope.after(async () => {
      await containerd.ctr("task", "kill", "-s", "SIGKILL", "spindled");
      await containerd.ctr("task", "rm", "-f", "spindled");
      await containerd.ctr("container", "rm", "spindled");
    });
    let response: Awaited<ReturnType<typeof request>> | undefined;
    for (let waited = 0; response?.status !== 200; waited += 200) {
      assert.ok(waited < 60_000, `the app never answered:\n${readLog(log)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      response = await request(`http://127.0.0.1:${port}`, "/?GREETING").catch(() => undefined);
    }
    assert.equal(response.body, "hello from the Spindle image\n");
    assert.match(readLog(log), new RegExp(`^Serving http://127\\.0\\.0\\.1:${port}$`, "m"));
    const pid = /^spindled\s+(\d+)/m.exec((await containerd.ctr("task", "ls")).stdout)?.[1];
    assert.match(readFileSync(`/proc/${pid}/status`, "utf8"), /^Uid:\s+65532\s/m, "runs unprivileged");

    assert.equal((await containerd.ctr("task", "kill", "spindled")).code, 0);
    for (let waited = 0; !(await containerd.ctr("task", "ls")).stdout.includes("STOPPED"); waited += 100) {
      assert.ok(waited < 30_000, "the container did not stop on SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
});

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
