/**
 * The admin listener (`--admin-listen`): a small HTTP server, separate from the app's, serving `/metrics`
 * in the Prometheus text format and whatever other pages are mounted on it (the dashboard). Off unless
 * asked for; one per process; closing it also ends open event streams.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SpindleError } from "../errors.ts";
import type { Metrics } from "./metrics.ts";

/** Answers one admin request; resolves false when the path is not its own. */
export type AdminRoute = (req: IncomingMessage, res: ServerResponse, path: string) => boolean;

export interface AdminOptions {
  readonly host: string;
  readonly port: number;
  readonly metrics: Metrics;
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
  const server = createServer((req, res) => {
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
