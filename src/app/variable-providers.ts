/**
 * The variable providers a runtime config's `[[variables_provider]]` entries describe: `static` values,
 * `env` (the environment under a prefix, then an optional dotenv file), HashiCorp Vault's KV version 2
 * engine and Azure Key Vault, both over their HTTP APIs as Spin's providers use them, with the `fetch` they
 * are given (in the containerd shim, one that resolves and connects as the pod would). Built once per
 * start; each remote provider is asked once per variable at start-up. Tokens and secret values never
 * appear in a message.
 */
import { SpindleError } from "../errors.ts";
import {
  AZURE_AUTHORITY_HOSTS,
  type AzureClientCredentials,
  type VariablesProviderConfig,
} from "./runtime-config-variables.ts";
import { dotenvProvider, envProvider, staticProvider, type VariableProvider } from "./variables.ts";

/**
 * One or two providers per entry (an `env` entry with a dotenv file is two), in file order; the remote
 * ones send their requests through `fetchImpl`.
 */
export function runtimeConfigProviders(
  configs: readonly VariablesProviderConfig[],
  env: NodeJS.ProcessEnv,
  fetchImpl: typeof fetch = fetch,
): VariableProvider[] {
  return configs.flatMap((config): VariableProvider[] => {
    switch (config.type) {
      case "static":
        return [staticProvider(`${config.where} (static)`, config.values)];
      case "env": {
        const prefix = config.prefix ?? "SPIN_VARIABLE";
        const fromEnv = envProvider(env, prefix);
        const named = { ...fromEnv, name: `${config.where} ${fromEnv.name}` };
        return config.dotenvPath === undefined ? [named] : [named, dotenvProvider(config.dotenvPath, prefix)];
      }
      case "vault":
        return [vaultProvider(config, fetchImpl)];
      case "azure_key_vault":
        return [azureKeyVaultProvider(config.vaultUrl, azureSignIn(config, env), config.where, fetchImpl)];
    }
  });
}

/**
 * Vault's KV v2 engine: the secret at `<mount>/<prefix>/<name>` (`GET /v1/<mount>/data/<prefix>/<name>`),
 * its `value` field. A secret Vault does not have (404) passes the question on; any other answer stops
 * start-up, as in Spin.
 */
export function vaultProvider(
  config: {
    readonly where: string;
    readonly url: string;
    readonly token: string;
    readonly mount: string;
    readonly prefix?: string;
  },
  fetchImpl: typeof fetch,
): VariableProvider {
  const name = `${config.where} (vault at ${config.url})`;
  return {
    name,
    get: async (variable) => {
      const path = config.prefix === undefined ? variable : `${config.prefix}/${variable}`;
      const url = new URL(`v1/${config.mount}/data/${path}`, withSlash(config.url));
      const response = await fetchImpl(url, { headers: { "X-Vault-Token": config.token } });
      if (response.status === 404) {
        // An unread body would keep the connection, and the agent's close, waiting for it.
        await response.body?.cancel();
        return undefined;
      }
      const body = await readJson(response, `${name}: reading "${config.mount}/${path}"`);
      const value = field(field(field(body, "data"), "data"), "value");
      if (typeof value !== "string") {
        throw providerError(name, `the secret "${config.mount}/${path}" has no string field "value"`);
      }
      return value;
    },
  };
}

/** How to get an Azure access token: a service principal's secret at an authority. */
export interface AzureSignIn {
  readonly authority: string;
  readonly credentials: AzureClientCredentials | undefined;
}

/**
 * The file's service principal at its authority host (the public cloud when none is named), or, when the
 * file gives none, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`, `AZURE_TENANT_ID` and `AZURE_AUTHORITY_HOST`.
 */
function azureSignIn(
  config: Extract<VariablesProviderConfig, { type: "azure_key_vault" }>,
  env: NodeJS.ProcessEnv,
): AzureSignIn {
  if (config.credentials !== undefined) {
    return {
      authority: AZURE_AUTHORITY_HOSTS[config.authorityHost ?? "AzurePublicCloud"],
      credentials: config.credentials,
    };
  }
  const clientId = env["AZURE_CLIENT_ID"];
  const clientSecret = env["AZURE_CLIENT_SECRET"];
  const tenantId = env["AZURE_TENANT_ID"];
  const credentials = clientId && clientSecret && tenantId ? { clientId, clientSecret, tenantId } : undefined;
  return { authority: env["AZURE_AUTHORITY_HOST"] || AZURE_AUTHORITY_HOSTS.AzurePublicCloud, credentials };
}

/**
 * Azure Key Vault: an OAuth2 client-credentials token from `<authority>/<tenant>/oauth2/v2.0/token` (kept
 * until shortly before it expires), then `GET <vault>/secrets/<name>`. The variable name is the secret
 * name, unchanged, as in Spin; any failure, a missing secret included, stops start-up.
 */
export function azureKeyVaultProvider(
  vaultUrl: string,
  signIn: AzureSignIn,
  where: string,
  fetchImpl: typeof fetch,
): VariableProvider {
  const name = `${where} (azure_key_vault at ${vaultUrl})`;
  let token: { readonly value: string; readonly until: number } | undefined;
  const accessToken = async (): Promise<string> => {
    if (token !== undefined && Date.now() < token.until) return token.value;
    token = await requestToken(name, vaultUrl, signIn, fetchImpl);
    return token.value;
  };
  return {
    name,
    get: async (variable) => {
      const url = new URL(`secrets/${encodeURIComponent(variable)}`, withSlash(vaultUrl));
      url.searchParams.set("api-version", "7.4");
      const response = await fetchImpl(url, {
        headers: { authorization: `Bearer ${await accessToken()}` },
      });
      const value = field(await readJson(response, `${name}: reading secret "${variable}"`), "value");
      if (typeof value !== "string") throw providerError(name, `secret "${variable}" has no string value`);
      return value;
    },
  };
}

async function requestToken(
  name: string,
  vaultUrl: string,
  signIn: AzureSignIn,
  fetchImpl: typeof fetch,
): Promise<{ value: string; until: number }> {
  const credentials = signIn.credentials;
  if (credentials === undefined) {
    throw new SpindleError(`${name}: no Azure credentials`, {
      hint: "give client_id, client_secret and tenant_id in the runtime config, or set AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_TENANT_ID (managed and workload identities are not supported)",
    });
  }
  const url = new URL(
    `${encodeURIComponent(credentials.tenantId)}/oauth2/v2.0/token`,
    withSlash(signIn.authority),
  );
  const response = await fetchImpl(url, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: keyVaultScope(vaultUrl),
    }),
  });
  const body = await readJson(response, `${name}: signing in at ${url.origin}`);
  const value = field(body, "access_token");
  const expiresIn = Number(field(body, "expires_in") ?? 0);
  if (typeof value !== "string")
    throw providerError(name, `the token endpoint ${url.origin} gave no access_token`);
  return { value, until: Date.now() + Math.max(0, expiresIn - 60) * 1000 };
}

/** `https://myvault.vault.azure.net` is served by the resource `https://vault.azure.net`. */
function keyVaultScope(vaultUrl: string): string {
  const url = new URL(vaultUrl);
  const labels = url.hostname.split(".");
  const resource = labels.length > 2 && !/^[\d.]+$/.test(url.hostname) ? labels.slice(1).join(".") : url.host;
  return `https://${resource}/.default`;
}

async function readJson(response: Response, what: string): Promise<unknown> {
  const text = await response.text();
  if (!response.ok) {
    throw new SpindleError(`${what}: HTTP ${response.status}${errorDetail(text)}`, {
      hint: "check the address and the credentials in the runtime config",
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SpindleError(`${what}: the answer is not JSON`, {
      hint: "check the address in the runtime config",
    });
  }
}

/** The server's own error messages (Vault's `errors`, Azure's `error.message`), never the body itself. */
function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as unknown;
    const errors = field(body, "errors");
    if (Array.isArray(errors)) return ` (${errors.join("; ")})`;
    const message = field(field(body, "error"), "message") ?? field(body, "error_description");
    return typeof message === "string" ? ` (${message})` : "";
  } catch {
    return "";
  }
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function providerError(name: string, problem: string): SpindleError {
  return new SpindleError(`${name}: ${problem}`, { hint: "check the secret's contents" });
}
