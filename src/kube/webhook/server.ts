/**
 * The HTTPS admission endpoint (`--enable-webhooks`): receives `admission.k8s.io/v1` AdmissionReviews on
 * the four webhook paths and answers with `review.ts`. The serving certificate is `tls.crt`/`tls.key` in
 * the certificate directory (cert-manager's Secret, mounted as SpinKube's chart does); it is read once at
 * start-up. Executor look-ups use the operator's client.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { SpindleError } from "../../errors.ts";
import type { KubeClient } from "../client/client.ts";
import { spinAppExecutors } from "../client/resources.ts";
import { parseSpinAppExecutor } from "../model/parse.ts";
import type { ApiGroup, SpinAppExecutor } from "../model/types.ts";
import { parseBindAddress } from "../operator/operator-server.ts";
import { admit, type AdmissionLookups, type AdmissionRequest } from "./review.ts";

export const DEFAULT_CERT_DIR = "/tmp/k8s-webhook-server/serving-certs";

export interface WebhookServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Executor look-ups through the API. */
export function clusterLookups(client: KubeClient, group: ApiGroup): AdmissionLookups {
  const type = spinAppExecutors(group);
  return {
    listExecutors: async () => {
      const { items } = await client.list(type, undefined);
      return items.flatMap((item) => parseOrSkip(item));
    },
    getExecutor: async (namespace, name) => {
      // A missing executor is `undefined`; any other API failure answers the review with an error.
      const found = await client.get(type, namespace, name);
      return found === undefined ? undefined : parseOrSkip(found)[0];
    },
  };
}

function parseOrSkip(raw: unknown): SpinAppExecutor[] {
  try {
    return [parseSpinAppExecutor(raw)];
  } catch {
    return [];
  }
}

export async function startWebhookServer(options: {
  readonly group: ApiGroup;
  readonly address: string;
  readonly certDir: string;
  readonly lookups: AdmissionLookups;
}): Promise<WebhookServer> {
  const server = createServer({
    cert: readPem(options.certDir, "tls.crt"),
    key: readPem(options.certDir, "tls.key"),
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    handle(options, req, res).catch((error: unknown) => reply(res, 500, { message: String(error) }));
  });
  const { host, port } = parseBindAddress(options.address, "--webhook-bind-address");
  await listen(server, host, port);
  const bound = server.address() as AddressInfo;
  return {
    url: `https://${bound.address.includes(":") ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function handle(
  options: { readonly group: ApiGroup; readonly lookups: AdmissionLookups },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
  if (req.method !== "POST") return reply(res, 405, { message: "admission reviews are POSTed" });
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const review = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { request?: AdmissionRequest };
  if (review.request === undefined) return reply(res, 400, { message: "no request in the AdmissionReview" });
  const response = await admit(options.group, path, review.request, options.lookups);
  if (response === undefined) return reply(res, 404, { message: `no webhook at ${path}` });
  reply(res, 200, { apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function readPem(dir: string, file: string): string {
  try {
    return readFileSync(join(dir, file), "utf8");
  } catch (cause) {
    throw new SpindleError(`cannot read the webhook serving certificate ${join(dir, file)}`, {
      cause,
      hint: "mount the certificate Secret (tls.crt, tls.key) there, or pass --webhook-cert-dir",
    });
  }
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new SpindleError(`cannot listen on ${host}:${port} for webhooks: ${error.message}`, { cause: error }),
      ),
    );
    server.listen(port, host, resolve);
  });
}
