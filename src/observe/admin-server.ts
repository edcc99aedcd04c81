/**
 * The admin listener (`--admin-listen`): a small HTTP server, separate from the app's, serving `/metrics`
 * in the Prometheus text format and whatever other pages are mounted on it (the dashboard). Off unless
 * asked for; one per process; closing it also ends open event streams. With a token, every request must
 * carry it, as a bearer token (Prometheus' `authorization`) or as the password of HTTP Basic
 * authentication, which a browser asks for and then sends with the dashboard's own requests too.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SpindleError } from "../errors.ts";
import type { Metrics } from "./metrics.ts";

// Not an ESM import: building node:http's module facade evaluates its lazy exports, which loads undici
// (about 0.1 s of start-up); the built-in object itself does not.
const { createServer } = process.getBuiltinModule("node:http");

/** Answers one admin request; resolves false when the path is not its own. */
export type AdminRoute = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

export interface AdminOptions {
  readonly host: string;
  readonly port: number;
  readonly metrics: Metrics;
  /** The token every request must present; none needed when undefined. */
  readonly token?: string | undefined;
  /** Further pages, tried in order after `/metrics`. */
  readonly routes?: readonly AdminRoute[];
}

export interface RunningAdmin {
  /** `http://host:port` with the real port. */
  readonly url: string;
  close(): Promise<void>;
}

export async function startAdminServer(options: AdminOptions): Promise<RunningAdmin> {
  const routes: AdminRoute[] = [metricsRoute(options.metrics), ...(options.routes ?? [])];
  const authorized = authorizer(options.token);
  const server = createServer((req, res) => {
    if (!authorized(req.headers.authorization)) {
      res.setHeader("www-authenticate", 'Basic realm="spindle admin", charset="UTF-8"');
      return answer(res, 401, "this admin endpoint needs its token: Authorization: Bearer <token>\n");
    }
    const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
    if (req.method !== "GET" && req.method !== "HEAD") return answer(res, 405, "only GET\n");
    if (!routes.some((route) => route(req, res, path))) answer(res, 404, "not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new SpindleError(`cannot listen on admin address ${options.host}:${options.port}: ${error.message}`, {
          cause: error,
          hint: "choose another address with --admin-listen HOST:PORT (port 0 picks a free one)",
        }),
      ),
    );
    server.listen({ host: options.host, port: options.port }, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const host = bound.address.includes(":") ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${host}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Whether an `Authorization` header carries the token; always true without one. */
function authorizer(token: string | undefined): (header: string | undefined) => boolean {
  if (token === undefined) return () => true;
  const expected = digest(token);
  return (header) => {
    const presented = presentedToken(header ?? "");
    return presented !== undefined && timingSafeEqual(digest(presented), expected);
  };
}

/** The bearer token, or the password of Basic credentials (the user name is not checked). */
function presentedToken(header: string): string | undefined {
  const [scheme = "", credentials = ""] = header.trim().split(/\s+/, 2);
  if (scheme.toLowerCase() === "bearer") return credentials;
  if (scheme.toLowerCase() !== "basic") return undefined;
  const decoded = Buffer.from(credentials, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** Equal-length digests, so that comparing them takes the same time whatever was presented. */
function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function metricsRoute(metrics: Metrics): AdminRoute {
  return (_req, res, path) => {
    if (path !== "/metrics") return false;
    metrics.render().then(
      (text) => {
        res.setHeader("content-type", metrics.contentType);
        res.end(text);
      },
      (error: unknown) => answer(res, 500, `${String(error)}\n`),
    );
    return true;
  };
}

function answer(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader("content-type", "text/plain; charset=utf-8");
  res.end(text);
}
