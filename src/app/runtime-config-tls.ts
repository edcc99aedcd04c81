/**
 * `[[client_tls]]` in runtime-config.toml: the certificate authorities a component trusts, and the client
 * certificate it presents, when it connects over TLS to the named hosts. Parsed at start-up with every key
 * checked; the PEM files (relative to the runtime-config file) are read and checked here, so a bad file
 * stops start-up naming its key. Pure apart from reading those files.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  onlyKeys,
  optionalBoolean,
  optionalString,
  RuntimeConfigError,
  stringList,
  tableArray,
} from "./runtime-config-fields.ts";

/** One `[[client_tls]]` entry; `where` is its key path (`client_tls[0]`), for messages. */
export interface ClientTlsConfig {
  readonly where: string;
  readonly componentIds: readonly string[];
  /** Host names, lower-cased; Spin takes no ports here. */
  readonly hosts: readonly string[];
  /** The operating system's trusted roots. */
  readonly usePlatformRoots: boolean;
  /** The Mozilla roots Node carries (what webpki-roots packages). */
  readonly useWebpkiRoots: boolean;
  /** PEM certificates from `ca_roots_file`. */
  readonly caRoots: readonly string[];
  /** PEM certificate chain and private key, from `client_cert_file` and `client_private_key_file`. */
  readonly clientCert?: { readonly cert: string; readonly key: string };
}

const KEYS = [
  "component_ids",
  "hosts",
  "ca_use_platform_roots",
  "ca_use_webpki_roots",
  "ca_roots_file",
  "client_cert_file",
  "client_private_key_file",
];

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** `base` is the runtime-config file's directory, which the file paths are relative to. */
export function clientTlsConfigs(file: string, base: string, value: unknown): ClientTlsConfig[] {
  return tableArray(file, "client_tls", value).map(([where, entry]) => {
    onlyKeys(file, where, entry, KEYS);
    const componentIds = nonEmpty(file, `${where}.component_ids`, entry["component_ids"]);
    const hosts = nonEmpty(file, `${where}.hosts`, entry["hosts"]).map((host) => tlsHost(file, where, host));
    const platform = optionalBoolean(file, `${where}.ca_use_platform_roots`, entry["ca_use_platform_roots"]);
    const webpki = optionalBoolean(file, `${where}.ca_use_webpki_roots`, entry["ca_use_webpki_roots"]);
    const rootsFile = optionalString(file, `${where}.ca_roots_file`, entry["ca_roots_file"]);
    const caRoots =
      rootsFile === undefined ? [] : certificates(file, `${where}.ca_roots_file`, resolve(base, rootsFile));
    const clientCert = clientCertificate(file, where, base, entry);
    // As in Spin: with no roots named at all, the platform's are used; a roots file alone replaces them.
    const usePlatformRoots = platform ?? (webpki === undefined && rootsFile === undefined);
    const useWebpkiRoots = webpki ?? false;
    if (!usePlatformRoots && !useWebpkiRoots && caRoots.length === 0) {
      throw new RuntimeConfigError(
        file,
        where,
        "no certificate authority is trusted",
        "set ca_use_platform_roots = true, ca_use_webpki_roots = true or ca_roots_file",
      );
    }
    return {
      where,
      componentIds,
      hosts,
      usePlatformRoots,
      useWebpkiRoots,
      caRoots,
      ...(clientCert === undefined ? {} : { clientCert }),
    };
  });
}

function nonEmpty(file: string, key: string, value: unknown): string[] {
  const list = stringList(file, key, value);
  if (list.length === 0) {
    throw new RuntimeConfigError(file, key, "the list may not be empty", `name at least one in ${key}`);
  }
  return list;
}

/** A host name or IP address, without a port (Spin does not support ports here). */
function tlsHost(file: string, where: string, host: string): string {
  if (/:\d*$/.test(host.replace(/^\[.*\]/, ""))) {
    throw new RuntimeConfigError(
      file,
      `${where}.hosts`,
      `invalid TLS host "${host}": ports are not supported`,
      "write the host without its port; the entry applies to every port",
    );
  }
  const url = URL.parse(`https://${host}`);
  if (url === null || url.hostname === "" || url.href !== `https://${url.hostname}/`) {
    throw new RuntimeConfigError(
      file,
      `${where}.hosts`,
      `invalid TLS host "${host}"`,
      'write a host name or IP address, e.g. "api.example.com"',
    );
  }
  return url.hostname;
}

function clientCertificate(
  file: string,
  where: string,
  base: string,
  entry: Record<string, unknown>,
): { cert: string; key: string } | undefined {
  const certFile = optionalString(file, `${where}.client_cert_file`, entry["client_cert_file"]);
  const keyFile = optionalString(file, `${where}.client_private_key_file`, entry["client_private_key_file"]);
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined) {
    const [given, missing] =
      certFile === undefined
        ? ["client_private_key_file", "client_cert_file"]
        : ["client_cert_file", "client_private_key_file"];
    throw new RuntimeConfigError(
      file,
      `${where}.${missing}`,
      `${given} is given without ${missing}`,
      "give both the client certificate and its private key, or neither",
    );
  }
  const cert = certificates(file, `${where}.client_cert_file`, resolve(base, certFile)).join("\n");
  const keyPath = resolve(base, keyFile);
  const key = readPem(file, `${where}.client_private_key_file`, keyPath);
  try {
    createPrivateKey(key);
  } catch (cause) {
    throw new RuntimeConfigError(
      file,
      `${where}.client_private_key_file`,
      `${keyPath} holds no PEM private key: ${(cause as Error).message}`,
      "give a PEM file with the client certificate's private key",
    );
  }
  return { cert, key };
}

/** Every PEM certificate in the file at `path`, each checked; at least one. */
function certificates(file: string, key: string, path: string): string[] {
  const found = readPem(file, key, path).match(PEM_CERTIFICATE) ?? [];
  if (found.length === 0) {
    throw new RuntimeConfigError(
      file,
      key,
      `${path} holds no PEM certificate`,
      "give a PEM file with -----BEGIN CERTIFICATE----- blocks",
    );
  }
  for (const pem of found) {
    try {
      new X509Certificate(pem);
    } catch (cause) {
      throw new RuntimeConfigError(
        file,
        key,
        `${path}: invalid certificate: ${(cause as Error).message}`,
        "give a valid PEM certificate",
      );
    }
  }
  return found;
}

function readPem(file: string, key: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (cause) {
    throw new RuntimeConfigError(
      file,
      key,
      `cannot read ${path}: ${(cause as Error).message}`,
      "check the path; it is relative to the runtime config file",
    );
  }
}
