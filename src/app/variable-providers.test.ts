// Vault and Azure Key Vault cannot run here, so these tests talk to small fake HTTP servers that answer as
// the real services' documented APIs do (Vault's KV v2 read: test/support/fake-vault.ts, the Microsoft
// identity platform's client-credentials token endpoint, Key Vault's get-secret); they are fakes, not the
// services.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LockedApp } from "./locked.ts";
import { parseRuntimeConfig } from "./runtime-config.ts";
import { azureKeyVaultProvider, runtimeConfigProviders } from "./variable-providers.ts";
import { resolveVariables, type VariableProvider } from "./variables.ts";
import { createHostFetch } from "../capabilities/outbound-networking/host-fetch.ts";
import { FAKE_VAULT_TOKEN, fakeVault } from "../../test/support/fake-vault.ts";
import type { Scope } from "../../test/support/scope.ts";

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** A fake HTTP service on a free local port, closed when the test ends; returns its base URL. */
async function fakeService(t: Scope, handler: Handler): Promise<string> {
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => handler(request, body, response));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  t.after(() => new Promise<void>((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

function providers(text: string, env: NodeJS.ProcessEnv = {}, fetchImpl = fetch): VariableProvider[] {
  return runtimeConfigProviders(parseRuntimeConfig(text, "/rc.toml", "/").variablesProviders, env, fetchImpl);
}

/** A fetch that records the URLs asked for, then asks the global fetch. */
function recordingFetch(): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  return {
    urls,
    fetch: (input, init) => {
      urls.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    },
  };
}

/** A fake Vault (test/support/fake-vault.ts) holding `secrets`, served until the test ends. */
function vaultService(t: Scope, secrets: Record<string, unknown>): Promise<string> {
  const handler = fakeVault(secrets);
  return fakeService(t, (request, _body, response) => handler(request, response));
}

async function ask(list: readonly VariableProvider[], variable: string): Promise<string | undefined> {
  for (const provider of list) {
    const value = await provider.get(variable);
    if (value !== undefined) return value;
  }
  return undefined;
}

describe("variables providers from the runtime config", () => {
  it("static values, and env under a prefix with its dotenv file after the environment", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-vp-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "app.env"), "APP_REGION=from-dotenv\nAPP_MODE=from-dotenv\n");
    const list = providers(
      `[[variables_provider]]\ntype = "static"\nvalues = { token = "static" }\n` +
        `[[variables_provider]]\ntype = "env"\nprefix = "APP"\ndotenv_path = "${join(dir, "app.env")}"`,
      { APP_REGION: "from-env", APP_TOKEN: "shadowed" },
    );
    assert.equal(await ask(list, "token"), "static");
    assert.equal(await ask(list, "region"), "from-env");
    assert.equal(await ask(list, "mode"), "from-dotenv");
    assert.equal(await ask(list, "other"), undefined);
  });

  it("reads Vault KV v2 secrets' `value` field at <mount>/data/<prefix>/<name>, passing on a 404", async (t) => {
    const url = await vaultService(t, { "app/api_key": { value: "from-vault" }, "app/odd": {} });
    const config = (token: string) =>
      `[[variables_provider]]\ntype = "vault"\nurl = "${url}"\ntoken = "${token}"\nmount = "secret"\nprefix = "app"`;
    const through = recordingFetch();
    const list = providers(config(FAKE_VAULT_TOKEN), {}, through.fetch);
    assert.equal(await ask(list, "api_key"), "from-vault");
    assert.deepEqual(through.urls, [`${url}/v1/secret/data/app/api_key`]);
    assert.equal(await ask(list, "missing"), undefined);
    await assert.rejects(ask(list, "odd"), /has no string field "value"/);
    await assert.rejects(ask(providers(config("wrong")), "api_key"), (error: Error) => {
      assert.match(
        error.message,
        /variables_provider\[0\] \(vault at .*\): reading "secret\/app\/api_key": HTTP 403 \(permission denied\)/,
      );
      assert.doesNotMatch(error.message, /wrong/);
      return true;
    });
  });

  it("lets go of a 404's body, so the host fetch that asked Vault closes at once", async (t) => {
    // A proxy's error page, large enough that an unread body would hold the connection open.
    const url = await fakeService(t, (_request, _body, response) => {
      response.writeHead(404, { "content-type": "text/html" });
      response.end("x".repeat(8 << 20));
    });
    const host = createHostFetch({
      lookup: (_name, _options, done) => done(null, "127.0.0.1", 4),
      sockets: undefined,
    });
    const list = providers(
      `[[variables_provider]]\ntype = "vault"\nurl = "${url}"\ntoken = "t"\nmount = "secret"`,
      {},
      host.fetch,
    );
    assert.equal(await ask(list, "missing"), undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise((done) => (timer = setTimeout(done, 2_000, "still waiting")));
    assert.equal(await Promise.race([host.close().then(() => "closed"), late]), "closed");
    clearTimeout(timer);
  });

  it("stops start-up when Vault fails, before the later providers, never showing the token", async (t) => {
    const url = await vaultService(t, {});
    const app: LockedApp = {
      spin_lock_version: 1,
      metadata: { name: "a" },
      variables: { api_key: {} },
      triggers: [],
      components: [],
    };
    const list = providers(
      `[[variables_provider]]\ntype = "vault"\nurl = "${url}"\ntoken = "s3cr3t"\nmount = "secret"`,
    );
    await assert.rejects(resolveVariables(app, list), (error: Error) => {
      assert.match(error.message, /HTTP 403/);
      assert.doesNotMatch(error.message, /s3cr3t/);
      return true;
    });
    const unreachable = providers(
      '[[variables_provider]]\ntype = "vault"\nurl = "http://127.0.0.1:1"\ntoken = "t"\nmount = "secret"',
    );
    await assert.rejects(
      resolveVariables(app, unreachable),
      /variable "api_key": .*vault.* failed: fetch failed/,
    );
  });

  it("signs in to Azure with client credentials, then reads the Key Vault secret", async (t) => {
    const seen: string[] = [];
    const authority = await fakeService(t, (request, body, response) => {
      const form = new URLSearchParams(body);
      seen.push(`${request.method} ${request.url} ${form.get("grant_type")} ${form.get("scope")}`);
      if (form.get("client_id") === "app" && form.get("client_secret") === "pw") {
        json(response, 200, { token_type: "Bearer", expires_in: 3600, access_token: "tok" });
      } else {
        json(response, 401, { error: "invalid_client", error_description: "bad client secret" });
      }
    });
    const vault = await fakeService(t, (request, _body, response) => {
      seen.push(`${request.method} ${request.url}`);
      if (request.headers.authorization !== "Bearer tok")
        json(response, 401, { error: { message: "no token" } });
      else if (request.url?.startsWith("/secrets/api_key?"))
        json(response, 200, { value: "from-azure", id: "x" });
      else
        json(response, 404, {
          error: { code: "SecretNotFound", message: "A secret with (name/id) x was not found" },
        });
    });
    const through = recordingFetch();
    const provider = azureKeyVaultProvider(
      vault,
      { authority, credentials: { clientId: "app", clientSecret: "pw", tenantId: "tenant" } },
      "variables_provider[0]",
      through.fetch,
    );
    assert.equal(await provider.get("api_key"), "from-azure");
    assert.deepEqual(through.urls, [
      `${authority}/tenant/oauth2/v2.0/token`,
      `${vault}/secrets/api_key?api-version=7.4`,
    ]);
    assert.equal(await provider.get("api_key"), "from-azure");
    await assert.rejects(
      Promise.resolve(provider.get("other")),
      /HTTP 404 \(A secret with \(name\/id\) x was not found\)/,
    );
    assert.deepEqual(seen.slice(0, 3), [
      "POST /tenant/oauth2/v2.0/token client_credentials https://" + new URL(vault).host + "/.default",
      "GET /secrets/api_key?api-version=7.4",
      "GET /secrets/api_key?api-version=7.4",
    ]);
    const wrong = azureKeyVaultProvider(
      vault,
      { authority, credentials: { clientId: "app", clientSecret: "nope", tenantId: "tenant" } },
      "variables_provider[0]",
      fetch,
    );
    await assert.rejects(Promise.resolve(wrong.get("api_key")), (error: Error) => {
      assert.match(error.message, /signing in at .*: HTTP 401 \(bad client secret\)/);
      assert.doesNotMatch(error.message, /nope/);
      return true;
    });
  });

  it("takes Azure credentials and the authority from the environment when the file gives none", async (t) => {
    const authority = await fakeService(t, (_request, _body, response) =>
      json(response, 200, { expires_in: 3600, access_token: "tok" }),
    );
    const vault = await fakeService(t, (_request, _body, response) => json(response, 200, { value: "v" }));
    const config = `[[variables_provider]]\ntype = "azure_key_vault"\nvault_url = "${vault}"`;
    const env = {
      AZURE_CLIENT_ID: "app",
      AZURE_CLIENT_SECRET: "pw",
      AZURE_TENANT_ID: "t",
      AZURE_AUTHORITY_HOST: authority,
    };
    assert.equal(await ask(providers(config, env), "x"), "v");
    await assert.rejects(ask(providers(config, {}), "x"), /no Azure credentials/);
  });
});
