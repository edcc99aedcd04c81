/**
 * `[[variables_provider]]` (or its older name `[[config_provider]]`) in runtime-config.toml: where
 * application variables come from besides the command line and the environment. Parsed into plain values
 * with every key checked; the providers themselves are built by variable-providers.ts. Pure.
 */
import { resolve } from "node:path";
import {
  onlyKeys,
  optionalString,
  RuntimeConfigError,
  stringField,
  table,
  tableArray,
} from "./runtime-config-fields.ts";

/** Spin's names for the Azure identity endpoints. */
export const AZURE_AUTHORITY_HOSTS = {
  AzurePublicCloud: "https://login.microsoftonline.com/",
  AzureChina: "https://login.chinacloudapi.cn/",
  AzureGermany: "https://login.microsoftonline.de/",
  AzureGovernment: "https://login.microsoftonline.us/",
} as const;

export type AzureAuthorityHost = keyof typeof AZURE_AUTHORITY_HOSTS;

/** A service principal's credentials, given all three in the file. */
export interface AzureClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly tenantId: string;
}

/** One provider; `where` is its key path (`variables_provider[1]`), for messages. */
export type VariablesProviderConfig = { readonly where: string } & (
  | { readonly type: "static"; readonly values: ReadonlyMap<string, string> }
  | { readonly type: "env"; readonly prefix?: string; readonly dotenvPath?: string }
  | {
      readonly type: "vault";
      readonly url: string;
      readonly token: string;
      readonly mount: string;
      readonly prefix?: string;
    }
  | {
      readonly type: "azure_key_vault";
      readonly vaultUrl: string;
      /** Absent: taken from `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` and `AZURE_TENANT_ID` when used. */
      readonly credentials?: AzureClientCredentials;
      readonly authorityHost?: AzureAuthorityHost;
    }
);

const TYPES = '"static", "env", "vault" or "azure_key_vault"';

/** `key` is the table's name in the file; `dotenv_path` resolves against `cwd`, as in Spin. */
export function variablesProviders(
  file: string,
  key: string,
  cwd: string,
  value: unknown,
): VariablesProviderConfig[] {
  return tableArray(file, key, value).map(([where, entry]) => {
    const { type, ...rest } = entry;
    const kind = stringField(file, `${where}.type`, type);
    switch (kind) {
      case "static":
        return staticProvider(file, where, rest);
      case "env":
        return envProvider(file, where, cwd, rest);
      case "vault":
        return vaultProvider(file, where, rest);
      case "azure_key_vault":
        return azureProvider(file, where, rest);
      default:
        throw new RuntimeConfigError(
          file,
          `${where}.type`,
          `unknown variables provider type "${kind}"`,
          `use type = ${TYPES}`,
        );
    }
  });
}

function staticProvider(file: string, where: string, rest: Record<string, unknown>): VariablesProviderConfig {
  onlyKeys(file, where, rest, ["type", "values"]);
  if (rest["values"] === undefined) {
    throw new RuntimeConfigError(file, `${where}.values`, "missing field", 'add values = { name = "value" }');
  }
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(table(file, `${where}.values`, rest["values"]))) {
    values.set(name, stringField(file, `${where}.values.${name}`, value));
  }
  return { where, type: "static", values };
}

function envProvider(
  file: string,
  where: string,
  cwd: string,
  rest: Record<string, unknown>,
): VariablesProviderConfig {
  onlyKeys(file, where, rest, ["type", "prefix", "dotenv_path"]);
  const prefix = optionalString(file, `${where}.prefix`, rest["prefix"]);
  const dotenv = optionalString(file, `${where}.dotenv_path`, rest["dotenv_path"]);
  return {
    where,
    type: "env",
    ...(prefix === undefined ? {} : { prefix }),
    ...(dotenv === undefined ? {} : { dotenvPath: resolve(cwd, dotenv) }),
  };
}

function vaultProvider(file: string, where: string, rest: Record<string, unknown>): VariablesProviderConfig {
  onlyKeys(file, where, rest, ["type", "url", "token", "mount", "prefix"]);
  const url = httpUrl(file, `${where}.url`, rest["url"]);
  const prefix = optionalString(file, `${where}.prefix`, rest["prefix"]);
  return {
    where,
    type: "vault",
    url,
    token: stringField(file, `${where}.token`, rest["token"]),
    mount: stringField(file, `${where}.mount`, rest["mount"]),
    ...(prefix === undefined ? {} : { prefix }),
  };
}

function azureProvider(file: string, where: string, rest: Record<string, unknown>): VariablesProviderConfig {
  onlyKeys(file, where, rest, [
    "type",
    "vault_url",
    "client_id",
    "client_secret",
    "tenant_id",
    "authority_host",
  ]);
  const vaultUrl = httpUrl(file, `${where}.vault_url`, rest["vault_url"]);
  const authority = optionalString(file, `${where}.authority_host`, rest["authority_host"]);
  if (authority !== undefined && !Object.hasOwn(AZURE_AUTHORITY_HOSTS, authority)) {
    throw new RuntimeConfigError(
      file,
      `${where}.authority_host`,
      `unknown authority host "${authority}"`,
      `use one of ${Object.keys(AZURE_AUTHORITY_HOSTS).join(", ")}`,
    );
  }
  const credentials = azureCredentials(file, where, rest);
  return {
    where,
    type: "azure_key_vault",
    vaultUrl,
    ...(credentials === undefined ? {} : { credentials }),
    ...(authority === undefined ? {} : { authorityHost: authority as AzureAuthorityHost }),
  };
}

/** All three of client_id, client_secret and tenant_id, or none (then the environment's), as in Spin. */
function azureCredentials(
  file: string,
  where: string,
  rest: Record<string, unknown>,
): AzureClientCredentials | undefined {
  const clientId = optionalString(file, `${where}.client_id`, rest["client_id"]);
  const clientSecret = optionalString(file, `${where}.client_secret`, rest["client_secret"]);
  const tenantId = optionalString(file, `${where}.tenant_id`, rest["tenant_id"]);
  if (clientId !== undefined && clientSecret !== undefined && tenantId !== undefined) {
    return { clientId, clientSecret, tenantId };
  }
  if (clientId === undefined && clientSecret === undefined && tenantId === undefined) return undefined;
  const missing = [
    clientId === undefined ? "client_id" : "",
    clientSecret === undefined ? "client_secret" : "",
    tenantId === undefined ? "tenant_id" : "",
  ].filter((name) => name !== "");
  throw new RuntimeConfigError(
    file,
    `${where}.${missing[0] ?? "client_id"}`,
    `some but not all of client_id, client_secret and tenant_id are given (missing ${missing.join(", ")})`,
    "give all three to sign in as that service principal, or none to use AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_TENANT_ID from the environment",
  );
}

function httpUrl(file: string, key: string, value: unknown): string {
  const url = stringField(file, key, value);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new RuntimeConfigError(
      file,
      key,
      `"${url}" is not an http:// or https:// URL`,
      `write the server's address, for example ${key.split(".").pop() ?? "url"} = "https://vault.example.com:8200"`,
    );
  }
  return url;
}
