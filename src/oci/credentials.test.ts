import { describe, it, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dockerConfigPath, findCredentials, removeCredentials, saveCredentials } from "./credentials.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

describe("Docker config credentials", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const write = (config: unknown) => writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const helpers: string[] = [];
  const runHelper = (helper: string, server: string) => {
    helpers.push(`${helper} ${server}`);
    return helper === "empty"
      ? Promise.reject(new Error("credentials not found in native keychain"))
      : Promise.resolve(JSON.stringify({ ServerURL: server, Username: `${helper}-user`, Secret: "s3cret" }));
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "spindle-docker-config-"));
    env = { DOCKER_CONFIG: dir };
    helpers.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the config under $DOCKER_CONFIG, else ~/.docker", () => {
    assert.equal(dockerConfigPath(env), join(dir, "config.json"));
    assert.equal(dockerConfigPath({ HOME: "/home/u" }), "/home/u/.docker/config.json");
  });

  it("decodes auths entries, matching keys written with a scheme", async () => {
    write({ auths: { "https://127.0.0.1:5000": { auth: b64("alice:pa:ss") } } });
    assert.deepEqual(await findCredentials("127.0.0.1:5000", { env, runHelper }), {
      username: "alice",
      password: "pa:ss",
    });
    assert.equal(await findCredentials("127.0.0.1:5001", { env, runHelper }), undefined);
  });

  it("files Docker Hub under Docker's index URL", async () => {
    write({ auths: { "https://index.docker.io/v1/": { auth: b64("bob:pw") } } });
    assert.equal((await findCredentials("docker.io", { env, runHelper }))?.username, "bob");
  });

  it("prefers a registry's credHelper, then auths, then credsStore", async () => {
    write({
      credHelpers: { "ghcr.io": "gh" },
      credsStore: "store",
      auths: { "ghcr.io": { auth: b64("file:pw") }, "quay.io": { auth: b64("file:pw") }, "other.io": {} },
    });
    assert.equal((await findCredentials("ghcr.io", { env, runHelper }))?.username, "gh-user");
    assert.equal((await findCredentials("quay.io", { env, runHelper }))?.username, "file");
    assert.equal((await findCredentials("other.io", { env, runHelper }))?.username, "store-user");
    assert.deepEqual(helpers, ["gh ghcr.io", "store other.io"]);
  });

  it("treats a helper that holds nothing as no credentials", async () => {
    write({ credsStore: "empty" });
    assert.equal(await findCredentials("ghcr.io", { env, runHelper }), undefined);
  });

  it("has no credentials without a config file", async () => {
    assert.equal(await findCredentials("ghcr.io", { env, runHelper }), undefined);
  });

  it("names the file when it is not JSON", async () => {
    writeFileSync(join(dir, "config.json"), "{nope");
    await assert.rejects(findCredentials("ghcr.io", { env, runHelper }), (e: Error) =>
      e.message.startsWith(`${join(dir, "config.json")} is not valid JSON`),
    );
  });

  it("saves and removes a login, keeping other settings, readable only by the owner", async () => {
    write({
      auths: { "https://ghcr.io": { auth: b64("old:pw") }, "quay.io": { auth: b64("q:pw") } },
      psFormat: "x",
    });
    const path = saveCredentials("ghcr.io", { username: "new", password: "pw2" }, env);
    const saved = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
    assert.deepEqual(saved, {
      auths: { "quay.io": { auth: b64("q:pw") }, "ghcr.io": { auth: b64("new:pw2") } },
      psFormat: "x",
    });
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal((await findCredentials("ghcr.io", { env, runHelper }))?.password, "pw2");
    assert.equal(removeCredentials("ghcr.io", env), true);
    assert.equal(removeCredentials("ghcr.io", env), false);
    assert.equal(await findCredentials("ghcr.io", { env, runHelper }), undefined);
    assert.equal((await findCredentials("quay.io", { env, runHelper }))?.username, "q");
  });
});
