import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseRuntimeConfig, RuntimeConfigError } from "./runtime-config.ts";

function refusal(file: string, text: string, key: string, message: RegExp): void {
  assert.throws(
    () => parseRuntimeConfig(text, file),
    (error) => {
      assert.ok(error instanceof RuntimeConfigError);
      assert.equal(error.key, key);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe("[[client_tls]]", () => {
  const dir = mkdtempSync(join(tmpdir(), "spindle-tls-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, "runtime-config.toml");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "key.pem",
      "-out",
      "cert.pem",
      "-days",
      "1",
    ].concat(["-subj", "/CN=test"]),
    { cwd: dir, stdio: "pipe" },
  );
  writeFileSync(join(dir, "not-pem.txt"), "hello");
  const entry = '[[client_tls]]\ncomponent_ids = ["api"]\nhosts = ["Example.com"]\n';

  it("reads entries, with files relative to the runtime config and Spin's default roots", () => {
    const config = parseRuntimeConfig(
      `${entry}ca_roots_file = "cert.pem"\nclient_cert_file = "cert.pem"\nclient_private_key_file = "key.pem"\n` +
        `${entry}\n${entry}ca_use_webpki_roots = true\nca_roots_file = "cert.pem"\n`,
      file,
    );
    const pem = readFileSync(join(dir, "cert.pem"), "utf8").trim();
    const [withFile, plain, webpki] = config.clientTls;
    assert.deepEqual(withFile, {
      where: "client_tls[0]",
      componentIds: ["api"],
      hosts: ["example.com"],
      usePlatformRoots: false,
      useWebpkiRoots: false,
      caRoots: [pem],
      clientCert: { cert: pem, key: readFileSync(join(dir, "key.pem"), "utf8") },
    });
    assert.equal(plain?.usePlatformRoots, true);
    assert.deepEqual(plain?.caRoots, []);
    assert.equal(webpki?.usePlatformRoots, false);
    assert.equal(webpki?.useWebpkiRoots, true);
  });

  it("refuses entries that are wrong, naming the entry and the key", () => {
    refusal(file, '[[client_tls]]\nhosts = ["a"]', "client_tls[0].component_ids", /missing field/);
    refusal(
      file,
      '[[client_tls]]\ncomponent_ids = []\nhosts = ["a"]',
      "client_tls[0].component_ids",
      /may not be empty/,
    );
    refusal(
      file,
      '[[client_tls]]\ncomponent_ids = ["x"]\nhosts = []',
      "client_tls[0].hosts",
      /may not be empty/,
    );
    refusal(
      file,
      '[[client_tls]]\ncomponent_ids = ["x"]\nhosts = ["a:443"]',
      "client_tls[0].hosts",
      /ports are not supported/,
    );
    refusal(
      file,
      '[[client_tls]]\ncomponent_ids = ["x"]\nhosts = ["a/b"]',
      "client_tls[0].hosts",
      /invalid TLS host "a\/b"/,
    );
    refusal(file, `${entry}colour = 1`, "client_tls[0].colour", /unknown key `colour`/);
    refusal(
      file,
      `${entry}client_cert_file = "cert.pem"`,
      "client_tls[0].client_private_key_file",
      /client_cert_file is given without client_private_key_file/,
    );
    refusal(
      file,
      `${entry}ca_roots_file = "missing.pem"`,
      "client_tls[0].ca_roots_file",
      /cannot read .*missing\.pem/,
    );
    refusal(
      file,
      `${entry}ca_roots_file = "not-pem.txt"`,
      "client_tls[0].ca_roots_file",
      /holds no PEM certificate/,
    );
    refusal(
      file,
      `${entry}client_cert_file = "cert.pem"\nclient_private_key_file = "cert.pem"`,
      "client_tls[0].client_private_key_file",
      /holds no PEM private key/,
    );
    refusal(
      file,
      `${entry}ca_use_platform_roots = false`,
      "client_tls[0]",
      /no certificate authority is trusted/,
    );
    refusal(
      file,
      `${entry}ca_use_webpki_roots = "yes"`,
      "client_tls[0].ca_use_webpki_roots",
      /expected a boolean/,
    );
    refusal(file, "[client_tls]\ncomponent_ids = []", "client_tls", /expected an array of tables/);
  });
});
