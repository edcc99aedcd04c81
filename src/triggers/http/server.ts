/**
 * The HTTP listener: accepts connections, answers Spin's reserved `/.well-known/spin/` routes, asks the app
 * to route everything else, and writes the guest's response back — streaming when the guest streams. Maps
 * every outcome to a status in one place: no route → 404 empty, guest fault → 500 empty plus a log line
 * with the request id. One per running app; requests are independent.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type {
  HttpGuestRequest,
  HttpGuestResponse,
  HttpHandler,
  SpinRequestInfo,
} from "../../executors/http.ts";
import type { Logger } from "../../observe/logger.ts";
import { noopObserver, type Observer } from "../../observe/observer.ts";
import { SpindleError } from "../../errors.ts";
import type { ListenAddress } from "./listen-address.ts";

export interface RoutingInput {
  /** Path without the query, as received. */
  readonly path: string;
  readonly pathWithQuery: string;
  readonly host: string | undefined;
  readonly clientAddr: string;
  readonly scheme: "http" | "https";
}

export interface RoutedRequest {
  readonly component: string;
  readonly handler: HttpHandler;
  readonly spin: SpinRequestInfo;
  /** The `spin-*` headers to add to the guest's request. */
  readonly injectedHeaders: readonly (readonly [string, string])[];
}

/** What the server needs from an app: its identity for `/.well-known/spin/info`, and routing. */
export interface HttpApp {
  readonly name: string;
  readonly version: string | undefined;
  route(input: RoutingInput): RoutedRequest | undefined;
  /** Whether a client-sent header must be dropped before the guest sees it (e.g. forged `spin-*`). */
  isReservedHeader(name: string): boolean;
}

export interface RunningServer {
  /** The bound address (the real port when 0 was asked for). */
  readonly address: ListenAddress;
  /** Stops accepting, waits for in-flight requests, closes idle connections. */
  close(): Promise<void>;
}

const RESERVED_PREFIX = "/.well-known/spin/";

export async function startHttpServer(
  app: HttpApp,
  listen: ListenAddress,
  logger: Logger,
  observer: Observer = noopObserver,
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    void serve(app, req, res, { logger, observer });
  });
  await bind(server, listen);
  const bound = server.address() as AddressInfo;
  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

function bind(server: Server, listen: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      const where = `${listen.host}:${listen.port}`;
      const reason =
        error.code === "EADDRINUSE"
          ? "the address is already in use"
          : error.code === "EADDRNOTAVAIL"
            ? "no network interface has that address"
            : error.code === "EACCES"
              ? "permission denied (ports below 1024 need privileges)"
              : error.message;
      reject(
        new SpindleError(`cannot listen on ${where}: ${reason}`, {
          cause: error,
          hint: "stop whatever uses it, or choose another address with --listen HOST:PORT (or SPIN_HTTP_LISTEN_ADDR)",
        }),
      );
    });
    server.listen({ host: listen.host, port: listen.port }, () => resolve());
  });
}

interface ServeContext {
  readonly logger: Logger;
  readonly observer: Observer;
}

async function serve(app: HttpApp, req: IncomingMessage, res: ServerResponse, context: ServeContext) {
  // Node adds `Connection`/`Keep-Alive` on its own; Spin's responses carry neither.
  res.removeHeader("connection");
  const pathWithQuery = req.url ?? "/";
  const path = pathWithQuery.split("?", 1)[0] ?? "/";
  if (path.startsWith(RESERVED_PREFIX)) return reserved(app, path, res);
  const requestId = ((uuid) => uuid.slice(0, 8) + uuid.slice(-8))(randomUUID()); // 64 random bits, cheaply
  const method = req.method ?? "GET";
  const traceparent = typeof req.headers.traceparent === "string" ? req.headers.traceparent : undefined;
  const observation = context.observer.request({ app: app.name, method, path, requestId, traceparent });
  let component: string | undefined;
  try {
    const input = {
      path,
      pathWithQuery,
      host: req.headers.host,
      clientAddr: clientAddr(req),
      scheme: "http" as const,
    };
    const routed = app.route(input);
    if (routed === undefined) {
      empty(res, 404);
      return observation.end({ status: 404 });
    }
    component = routed.component;
    observation.routed(component, routed.spin.rawComponentRoute);
    const response = await observation.run(() =>
      routed.handler.handle(guestRequest(app, req, routed, requestId)),
    );
    await writeResponse(res, response);
    observation.end({ status: response.status });
  } catch (error) {
    const reason = describe(error);
    context.logger.error("request failed", {
      request_id: requestId,
      component,
      method,
      path: req.url,
      error: reason,
    });
    observation.end({ status: res.headersSent ? res.statusCode : 500, error: reason });
    if (res.headersSent) res.destroy();
    else empty(res, 500);
  }
}

function guestRequest(
  app: HttpApp,
  req: IncomingMessage,
  routed: RoutedRequest,
  requestId: string,
): HttpGuestRequest {
  const headers: (readonly [string, string])[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name === "connection" || app.isReservedHeader(name)) continue;
    if (name === "host" && (raw[i + 1] as string).split(":", 1)[0]?.endsWith(".spin.internal") === true)
      continue;
    headers.push([name, raw[i + 1] as string]);
  }
  headers.push(...routed.injectedHeaders);
  return {
    method: req.method ?? "GET",
    scheme: "http",
    authority: req.headers.host ?? "localhost",
    pathWithQuery: req.url ?? "/",
    headers,
    body: req,
    trailers: () => pairs(req.rawTrailers),
    protocol: `HTTP/${req.httpVersion}`,
    spin: routed.spin,
    requestId,
  };
}

async function writeResponse(res: ServerResponse, response: HttpGuestResponse): Promise<void> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of response.headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  res.statusCode = response.status;
  for (const [name, values] of grouped)
    res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  if (response.body instanceof Uint8Array) {
    res.end(response.body);
    return;
  }
  for await (const chunk of response.body) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
  }
  // Node sends trailers only with chunked encoding: not when the guest set a content-length.
  const trailers = response.trailers?.() ?? [];
  if (trailers.length > 0) res.addTrailers(trailers.map(([name, value]): [string, string] => [name, value]));
  res.end();
}

/** Node's flat `[name, value, name, value, …]` list as pairs, names lower-cased. */
function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    out.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
  return out;
}

function reserved(app: HttpApp, path: string, res: ServerResponse): void {
  if (path === `${RESERVED_PREFIX}health`) {
    res.statusCode = 200;
    res.end("OK");
    return;
  }
  if (path === `${RESERVED_PREFIX}info`) {
    const info = { name: app.name, ...(app.version === undefined ? {} : { version: app.version }) };
    res.statusCode = 200;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(info, null, 2));
    return;
  }
  empty(res, 404);
}

function empty(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.end();
}

function clientAddr(req: IncomingMessage): string {
  const { remoteAddress = "0.0.0.0", remotePort = 0 } = req.socket;
  return remoteAddress.includes(":") ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (caused by: ${error.cause.message})` : "";
  return `${error.message}${cause}`;
}
