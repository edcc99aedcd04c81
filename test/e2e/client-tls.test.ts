// End to end: `[[client_tls]]` in the runtime config. A certificate authority, server and client
// certificates are made with openssl for each run; two real HTTPS servers on 127.0.0.1 present the server
// certificate, the second one also requiring a client certificate signed by that authority. A component
// without an entry cannot verify the server; one trusting the authority's file reaches the first server
// but not the second; one that also presents the client certificate reaches both.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type ServerOptions } from "node:https";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { componentWasm, TEST_CACHE_HOME } from "../support/components.ts";
import { request } from "../support/http.ts";
import { suiteScope, type Scope } from "../support/scope.ts";

/** A CA, a server certificate for 127.0.0.1 and a client certificate, all PEM files in `dir`. */
function makeCertificates(dir: string): void {
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  const subject = (cn: string) => ["-subj", `/CN=${cn}`];
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    ...subject("Spindle test CA"),
  );
  writeFileSync(join(dir, "server.ext"), "subjectAltName=IP:127.0.0.1\n");
  writeFileSync(join(dir, "client.ext"), "extendedKeyUsage=clientAuth\n");
  for (const [name, ext] of [
    ["server", "server.ext"],
    ["client", "client.ext"],
  ] as const) {
    openssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      ...subject(name),
    );
    openssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
      "-extfile",
      ext,
    );
  }
}

async function httpsServer(t: Scope, options: ServerOptions, text: string): Promise<number> {
  const server = createServer(options, (_req, res) => res.end(text));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
}

describe("client TLS from the runtime config", () => {
  const scope = suiteScope();
  let app: RunningApp;
  let open: number;
  let mutual: number;
  before(async () => {
    const dir = makeApp(scope, { manifest: "" });
    makeCertificates(dir);
    const pem = (name: string) => readFileSync(join(dir, name));
    const tls = { key: pem("server.key"), cert: pem("server.pem") };
    open = await httpsServer(scope, tls, "open");
    mutual = await httpsServer(
      scope,
      { ...tls, ca: pem("ca.pem"), requestCert: true, rejectUnauthorized: true },
      "mutual",
    );
    const hosts = `allowed_outbound_hosts = ["https://127.0.0.1:${open}", "https://127.0.0.1:${mutual}"]`;
    writeFileSync(
      join(dir, "spin.toml"),
      `spin_manifest_version = 2
[application]
name = "client-tls"
${["plain", "trusting", "certified"].map((id) => `[[trigger.http]]\nroute = "/${id}/..."\ncomponent = "${id}"\n[component.${id}]\nsource = "probe.wasm"\n${hosts}\n`).join("")}`,
    );
    writeFileSync(
      join(dir, "runtime-config.toml"),
      `[[client_tls]]
component_ids = ["trusting"]
hosts = ["127.0.0.1"]
ca_roots_file = "ca.pem"

[[client_tls]]
component_ids = ["certified"]
hosts = ["127.0.0.1"]
ca_roots_file = "ca.pem"
client_cert_file = "client.pem"
client_private_key_file = "client.key"
`,
    );
    copyFileSync(componentWasm("http-probe"), join(dir, "probe.wasm"));
    app = await startApp(scope, ["-f", dir, "--runtime-config-file", join(dir, "runtime-config.toml")], {
      env: { XDG_CACHE_HOME: TEST_CACHE_HOME },
      startTimeoutMs: 180_000,
    });
  });

  /** The `wasi:http` error code the guest sees, through the probe's raw request. */
  async function errorCode(from: string, port: number): Promise<unknown> {
    const response = await request(app.url, `/${from}/outbound-raw`, {
      headers: { "x-target": `https://127.0.0.1:${port}/` },
    });
    return (JSON.parse(response.body) as { error?: unknown }).error;
  }

  async function send(from: string, port: number): Promise<Outcome> {
    const response = await request(app.url, `/${from}/outbound`, {
      headers: { "x-target": `https://127.0.0.1:${port}/` },
    });
    return JSON.parse(response.body) as Outcome;
  }

  it("fails certificate verification for a component without an entry", async () => {
    const outcome = await send("plain", open);
    assert.ok(outcome.error !== undefined, JSON.stringify(outcome));
    assert.deepEqual(await errorCode("plain", open), { tag: "TLS-protocol-error" });
  });

  it("trusts the authority of ca_roots_file for the component and host named", async () => {
    assert.deepEqual(await send("trusting", open), { status: 200, body: "open" });
  });

  it("presents the client certificate to a server that requires one", async () => {
    const refused = await send("trusting", mutual);
    assert.ok(refused.error !== undefined, JSON.stringify(refused));
    assert.deepEqual(await send("certified", mutual), { status: 200, body: "mutual" });
    assert.deepEqual(await send("certified", open), { status: 200, body: "open" });
  });
});
