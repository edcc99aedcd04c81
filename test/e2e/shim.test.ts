// End to end: containerd-shim-spindle-v2 under Debian's real containerd, driven by `ctr` as a user would:
// a container whose root filesystem holds a spin.toml and a Wasm guest built from source serves HTTP,
// shows in `ctr task ls`, stops with the exit status its signal calls for, and is deleted; an app that
// cannot load reports why on the container's stderr. A Spin OCI artifact pushed with `spindle registry
// push` to a real registry and fetched with `ctr content fetch` runs from its Wasm layers.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { greetManifest, makeApp, redisSubscriberManifest } from "../support/apps.ts";
import { spinProbeWasm } from "../support/components.ts";
import { runSpindle } from "../support/cli.ts";
import { buildImageTar } from "../support/oci-image.ts";
import {
  alive,
  containerdUnavailable,
  startContainerd,
  until,
  type Containerd,
} from "../support/containerd.ts";
import { request } from "../support/http.ts";
import {
  pushBlobByHand,
  putManifestByHand,
  registryUnavailable,
  startRegistry,
  type TestRegistry,
} from "../support/registry.ts";
import { publish, REDIS_MISSING, redisAvailable, startRedis, waitForList } from "../support/redis.ts";
import { suiteScope, type Scope } from "../support/scope.ts";
import { freePort } from "../support/ports.ts";

const MANIFEST = greetManifest("greet", "hello from containerd");

/** Two components, one with a file too big to be inlined in the locked app, so it travels as a layer. */
const FILES_MANIFEST = `spin_manifest_version = 2
[application]
name = "layers"

[[trigger.http]]
route = "/greet"
component = "greet"
executor = { type = "wagi" }

[[trigger.http]]
route = "/files"
component = "files"
executor = { type = "wagi" }

[component.greet]
source = "greet.wasm"
environment = { GREETING = "hello from containerd" }

[component.files]
source = "cat.wasm"
files = ["static/**/*"]
`;
const BIG_FILE = "a file that travels as its own layer\n".repeat(20);

const RUNTIME = "io.containerd.spindle.v2";

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, "utf8") : "";
}

const redisSkip = redisAvailable() ? false : REDIS_MISSING;

/** An empty directory for `ctr run --rootfs`, removed with the scope. */
function emptyDir(scope: Scope): string {
  const dir = mkdtempSync(join(tmpdir(), "spindle-root-"));
  scope.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const skip = containerdUnavailable();

describe("containerd shim", { skip }, () => {
  const scope = suiteScope();
  let containerd: Containerd;
  let rootfs: string;
  before(async () => {
    containerd = await startContainerd(scope);
    rootfs = makeApp(scope, { manifest: MANIFEST, guests: { "greet.wasm": "greet-var" } });
  });

  /** `ctr run -d` of a container whose root is `root`; its stdout and stderr go to the returned log file. */
  async function run(id: string, root: string, port: number, ...extra: string[]): Promise<string> {
    const log = join(containerd.dir, `${id}.log`);
    const env = `SPIN_HTTP_LISTEN_ADDR=127.0.0.1:${port}`;
    const args = [
      "run",
      "-d",
      "--runtime",
      RUNTIME,
      "--net-host",
      "--env",
      env,
      "--log-uri",
      `file://${log}`,
    ];
    const result = await containerd.ctr(...args, ...extra, "--rootfs", root, id, "/");
    assert.equal(result.code, 0, result.stderr);
    return log;
  }

  /** A column of the task's row in `ctr task ls`: 1 is the pid, 2 the status. */
  const taskColumn = async (id: string, column: number) => {
    const { stdout } = await containerd.ctr("task", "ls");
    return stdout
      .split("\n")
      .find((line) => line.startsWith(`${id} `))
      ?.split(/\s+/)[column];
  };
  const status = (id: string) => taskColumn(id, 2);
  /** Deletes the stopped task and returns its exit status, which `ctr task rm` reports as a warning. */
  const remove = async (id: string) => {
    const result = await containerd.ctr("task", "rm", id);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((await containerd.ctr("container", "rm", id)).code, 0);
    return Number(/exit with non-zero exit code (\d+)/.exec(result.stderr)?.[1] ?? 0);
  };
  const stopped = (id: string) =>
    until(`${id} to stop`, async () => ((await status(id)) === "STOPPED" ? true : undefined));

  it("serves the app, drains on SIGTERM and exits 0, and deletes the container", async () => {
    const port = await freePort();
    const log = await run("greet", rootfs, port);
    const response = await until("the app to answer", async () => {
      const res = await request(`http://127.0.0.1:${port}`, "/?GREETING");
      return res.status === 200 ? res : undefined;
    });
    assert.equal(response.body, "hello from containerd\n");
    assert.equal(await status("greet"), "RUNNING");
    assert.match(readFileSync(log, "utf8"), new RegExp(`^Serving http://127.0.0.1:${port}\n`, "m"));

    assert.equal((await containerd.ctr("task", "kill", "-s", "SIGTERM", "greet")).code, 0);
    await stopped("greet");
    assert.equal(await remove("greet"), 0);
    assert.equal(await status("greet"), undefined);
    await assert.rejects(request(`http://127.0.0.1:${port}`, "/?GREETING"));
  });

  it("stops at once on SIGKILL with exit status 137", async () => {
    const port = await freePort();
    await run("killed", rootfs, port);
    await until("the app to answer", async () => (await request(`http://127.0.0.1:${port}`, "/")).status);
    assert.equal((await containerd.ctr("task", "kill", "-s", "SIGKILL", "killed")).code, 0);
    await stopped("killed");
    assert.equal(await remove("killed"), 137);
  });

  it("writes a load error to the container's stderr and exits 137", async () => {
    const broken = makeApp(scope, { manifest: MANIFEST.replace("greet.wasm", "missing.wasm") });
    const log = await run("broken", broken, await freePort());
    await stopped("broken");
    assert.match(readFileSync(log, "utf8"), /^Error: .*missing\.wasm/m);
    assert.equal(await remove("broken"), 137);
  });

  it("runs an app's Redis triggers, delivering published messages", { skip: redisSkip }, async (t) => {
    const redis = await startRedis(t);
    assert.ok(redis !== undefined, REDIS_MISSING);
    const manifest = redisSubscriberManifest("subscriber", `redis://127.0.0.1:${redis.port}`);
    const root = makeApp(t, { manifest });
    copyFileSync(
      spinProbeWasm("redis-trigger-probe", "redis-spin.wit", "inbound-redis-spin.wit"),
      join(root, "probe.wasm"),
    );
    const log = await run("subscriber", root, await freePort());
    // The component is prepared inside the container first (its cache is there), which takes a while.
    for (let waited = 0; !/^Active Channels on 127\.0\.0\.1:\d+:$/m.test(readLog(log)); waited += 200) {
      assert.ok(waited < 180_000, `the Redis trigger never started:\n${readLog(log)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await publish(redis, "jobs", { text: "from a pod", key: "done", address: redis.url });
    assert.deepEqual(await waitForList(redis, "done", 1), ["from a pod"]);
    assert.equal((await containerd.ctr("task", "kill", "subscriber")).code, 0);
    await stopped("subscriber");
    assert.equal(await remove("subscriber"), 0);
  });

  it("serves the containers of one sandbox from one shim, which exits after the last is deleted", async () => {
    const sandbox = "--annotation=io.kubernetes.cri.sandbox-id=pod-1";
    const ports = [await freePort(), await freePort()];
    await run("pod-a", rootfs, ports[0]!, sandbox);
    await run("pod-b", rootfs, ports[1]!, sandbox);
    for (const port of ports) {
      await until("the app to answer", async () => (await request(`http://127.0.0.1:${port}`, "/")).status);
    }
    const pid = Number(await taskColumn("pod-a", 1));
    assert.equal(Number(await taskColumn("pod-b", 1)), pid);
    for (const id of ["pod-a", "pod-b"]) {
      assert.equal((await containerd.ctr("task", "kill", id)).code, 0);
      await stopped(id);
      assert.equal(await remove(id), 0);
    }
    await until("the shim to exit", () => Promise.resolve(alive(pid) ? undefined : true));
  });

  it("serves an image built FROM scratch, mounting its snapshot as the root filesystem", async () => {
    const image = buildImageTar(scope, rootfs);
    const imported = await containerd.ctr(
      "image",
      "import",
      "--base-name",
      "localhost/greet",
      "--digests",
      image,
    );
    assert.equal(imported.code, 0, imported.stderr);
    const port = await freePort();
    const env = `SPIN_HTTP_LISTEN_ADDR=127.0.0.1:${port}`;
    const ran = await containerd.ctr(
      "run",
      "-d",
      "--runtime",
      RUNTIME,
      "--net-host",
      "--env",
      env,
      "localhost/greet:latest",
      "imaged",
    );
    assert.equal(ran.code, 0, ran.stderr);
    const response = await until("the app to answer", async () => {
      const res = await request(`http://127.0.0.1:${port}`, "/?GREETING");
      return res.status === 200 ? res : undefined;
    });
    assert.equal(response.body, "hello from containerd\n");
    assert.equal((await containerd.ctr("task", "kill", "imaged")).code, 0);
    await stopped("imaged");
    assert.equal(await remove("imaged"), 0);
    assert.doesNotMatch(
      readFileSync("/proc/mounts", "utf8"),
      /\/spindle\/imaged\/rootfs/,
      "rootfs unmounted",
    );
  });

  describe("apps from a Spin OCI artifact's layers", { skip: registryUnavailable() ?? false }, () => {
    let registry: TestRegistry;
    let filesApp: string;
    before(async () => {
      registry = await startRegistry(scope);
      filesApp = makeApp(scope, {
        manifest: FILES_MANIFEST,
        guests: { "greet.wasm": "greet-var", "cat.wasm": "cat-file" },
        files: { "static/big.txt": BIG_FILE },
      });
    });

    /**
     * Fetches `reference` into containerd (containerd 1.6.20 cannot unpack an artifact, so `ctr images
     * pull` and `ctr run <image>` fail; `content fetch` stores it all) and runs it with the image named by
     * annotation over an empty root.
     */
    async function runArtifact(id: string, reference: string, port: number): Promise<string> {
      const fetched = await containerd.ctr("content", "fetch", "--plain-http", reference);
      assert.equal(fetched.code, 0, fetched.stderr);
      const annotation = `--annotation=io.kubernetes.cri.image-name=${reference}`;
      const log = join(containerd.dir, `${id}.log`);
      const env = `SPIN_HTTP_LISTEN_ADDR=127.0.0.1:${port}`;
      const root = emptyDir(scope);
      const result = await containerd.ctr(
        ...["run", "-d", "--runtime", RUNTIME, "--net-host", "--env", env, "--log-uri", `file://${log}`],
        ...[annotation, "--rootfs", root, id, "/"],
      );
      assert.equal(result.code, 0, result.stderr);
      return log;
    }

    for (const layout of ["one layer per file", "archive layers"]) {
      it(`serves an app pushed with \`spindle registry push\` (${layout}) and cleans up after it`, async () => {
        const id = layout === "archive layers" ? "layered-archive" : "layered";
        const home = emptyDir(scope);
        const reference = `${registry.host}/shim/${id}:v1`;
        const pushed = await runSpindle(["registry", "push", reference, "-f", filesApp], {
          env: {
            XDG_CACHE_HOME: join(home, "cache"),
            DOCKER_CONFIG: join(home, "docker"),
            ...(layout === "archive layers" ? { SPIN_OCI_ARCHIVE_LAYERS: "1" } : {}),
          },
        });
        assert.equal(pushed.code, 0, pushed.stderr);
        const port = await freePort();
        await runArtifact(id, reference, port);
        const response = await until("the app to answer", async () => {
          const res = await request(`http://127.0.0.1:${port}`, "/greet?GREETING");
          return res.status === 200 ? res : undefined;
        });
        assert.equal(response.body, "hello from containerd\n");
        const file = await request(`http://127.0.0.1:${port}`, "/files?/static/big.txt");
        assert.deepEqual([file.status, file.body], [200, BIG_FILE]);
        const pid = Number(await taskColumn(id, 1));
        assert.equal((await containerd.ctr("task", "kill", id)).code, 0);
        await stopped(id);
        assert.equal(await remove(id), 0);
        await until("the shim to exit", () => Promise.resolve(alive(pid) ? undefined : true));
        await assert.rejects(request(`http://127.0.0.1:${port}`, "/greet?GREETING"));
      });
    }

    it("reports an image containerd does not have on stderr and exits 137", async () => {
      const reference = `${registry.host}/shim/never-fetched:v1`;
      const log = join(containerd.dir, "unfetched.log");
      const result = await containerd.ctr(
        ...["run", "-d", "--runtime", RUNTIME, "--log-uri", `file://${log}`],
        ...[
          `--annotation=io.kubernetes.cri.image-name=${reference}`,
          "--rootfs",
          emptyDir(scope),
          "unfetched",
          "/",
        ],
      );
      assert.equal(result.code, 0, result.stderr);
      await stopped("unfetched");
      assert.match(
        readFileSync(log, "utf8"),
        new RegExp(`^Error: image ${reference} was not found in containerd's namespace "spindle"`, "m"),
      );
      assert.equal(await remove("unfetched"), 137);
    });

    it("reports a locked app whose Wasm is not among the layers on stderr and exits 137", async () => {
      const repository = "shim/broken";
      const missing = `sha256:${"0".repeat(64)}`;
      const locked = {
        spin_lock_version: 1,
        metadata: { name: "broken" },
        triggers: [{ id: "t", trigger_type: "http", trigger_config: { route: "/...", component: "web" } }],
        components: [{ id: "web", source: { content_type: "application/wasm", digest: missing } }],
      };
      const layer = await pushBlobByHand(
        registry.host,
        repository,
        "application/vnd.fermyon.spin.application.v1+config",
        JSON.stringify(locked),
      );
      const config = await pushBlobByHand(
        registry.host,
        repository,
        "application/vnd.oci.image.config.v1+json",
        JSON.stringify({ architecture: "wasm", os: "wasip1", rootfs: { type: "layers", diff_ids: [] } }),
      );
      const manifestType = "application/vnd.oci.image.manifest.v1+json";
      const manifest = { schemaVersion: 2, mediaType: manifestType, config, layers: [layer] };
      await putManifestByHand(registry.host, repository, "v1", manifest, manifestType);
      const log = await runArtifact("broken-layers", `${registry.host}/${repository}:v1`, await freePort());
      await stopped("broken-layers");
      assert.match(readFileSync(log, "utf8"), new RegExp(`^Error: .*${missing}, which is not a layer`, "m"));
      assert.equal(await remove("broken-layers"), 137);
    });
  });
});
