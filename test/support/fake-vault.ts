/**
 * A FAKE HashiCorp Vault for tests — not Vault, which cannot run here: a request handler answering just
 * the KV version 2 read the variable provider makes (`GET /v1/secret/data/<path>`, the mount being
 * `secret`), as Vault's documented API does. Requests without the token `FAKE_VAULT_TOKEN` get 403 with
 * Vault's `errors`; a path it has no secret for gets 404. The test serves it where it needs it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export const FAKE_VAULT_TOKEN = "root";

/** The handler of a fake Vault holding `secrets` (`path → secret data`) under the mount `secret`. */
export function fakeVault(
  secrets: Record<string, unknown>,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.headers["x-vault-token"] !== FAKE_VAULT_TOKEN) {
      answer(403, { errors: ["permission denied"] });
      return;
    }
    const path = /^\/v1\/secret\/data\/(.+)$/.exec(request.url ?? "")?.[1];
    const secret = path === undefined ? undefined : secrets[path];
    if (secret === undefined) answer(404, { errors: [] });
    else answer(200, { data: { data: secret, metadata: { version: 1 } } });
  };
}
