/**
 * A self-signed serving certificate for 127.0.0.1, made with openssl, for the HTTPS servers tests start:
 * the operator's webhook server, and the fake API server when kubectl talks to it (kubectl sends a
 * bearer token only over TLS).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

/** Writes `tls.crt` and `tls.key` into `dir`, as cert-manager mounts them; the certificate is its own CA. */
export function selfSignedCert(dir: string, commonName: string): { cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const cert = join(dir, "tls.crt");
  const key = join(dir, "tls.key");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", `/CN=${commonName}`].concat([
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ]),
    { stdio: "ignore" },
  );
  return { cert, key };
}
