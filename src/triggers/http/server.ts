/**
 * The HTTP listener: accepts connections, answers Spin's reserved `/.well-known/spin/` routes, asks the app
 * to route everything else, admits guest requests (admission.ts), runs each under its deadline
 * (engine/deadline.ts), and writes the guest's response back — streaming when the guest streams. Maps
 * every outcome to a status in one place: no route → 404 empty, guest fault → 500 empty, deadline passed
 * → 504 empty, no slot and a full queue → 503 with `Retry-After`, each failure with a log line naming the
 * request id. Closing drains in-flight requests for up to the shutdown timeout. One per running app;
 * requests are independent.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { HttpHandler, SpinRequestInfo } from "../../executors/http.ts";
import type { Logger } from "../../observe/logger.ts";
import { noopObserver, type Observer, type RequestObservation } from "../../observe/observer.ts";
import { DEFAULT_REQUEST_TIMEOUT_MS, RequestDeadlines } from "../../engine/deadline.ts";
import {
  Admission,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_MAX_QUEUED_REQUESTS,
  type AdmissionLimits,
} from "./admission.ts";
import { cannotListen, type ListenAddress } from "./listen-address.ts";
import { guestRequest, writeResponse } from "./node-exchange.ts";

// Not an ESM import: building node:http's module facade evaluates its lazy exports, which loads undici
// (about 0.1 s of start-up); the built-in object itself does not.
const { createServer } = process.getBuiltinModule("node:http");

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
  /**
   * Stops accepting, lets in-flight requests finish for up to the shutdown timeout, then closes every
   * connection that is left.
   */
  close(): Promise<void>;
}

/** How the server protects itself; every field has a default (`DEFAULT_SERVER_LIMITS`). */
export interface ServerLimits extends AdmissionLimits {
  /** Per request, from admission to the end of the response; 0 for none. */
  readonly requestTimeoutMs: number;
  /** How long `close` waits for in-flight requests. */
  readonly shutdownTimeoutMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  maxConcurrent: DEFAULT_MAX_CONCURRENT_REQUESTS,
  maxQueued: DEFAULT_MAX_QUEUED_REQUESTS,
  shutdownTimeoutMs: 30_000,
};

export interface ServerOptions {
  readonly listen: ListenAddress;
  readonly logger: Logger;
  readonly limits?: ServerLimits | undefined;
  /** Hears about every request; nothing observes when absent. */
  readonly observer?: Observer | undefined;
}

/** What every request of one server shares. */
interface ServeContext {
  readonly app: HttpApp;
  readonly logger: Logger;
  readonly observer: Observer;
  readonly admission: Admission;
  readonly deadlines: RequestDeadlines;
}

const RESERVED_PREFIX = "/.well-known/spin/";
/** Seconds a client turned away for lack of capacity is asked to wait. */
const RETRY_AFTER_SECONDS = 1;

export async function startHttpServer(app: HttpApp, options: ServerOptions): Promise<RunningServer> {
  const { logger } = options;
  const limits = options.limits ?? DEFAULT_SERVER_LIMITS;
  const deadlines = new RequestDeadlines({
    timeoutMs: limits.requestTimeoutMs,
    onWatchdogFailure: (error) =>
      logger.warn("guests that never yield cannot be stopped: the watchdog thread failed", {
        error: error.message,
      }),
  });
  const context: ServeContext = {
    app,
    logger,
    observer: options.observer ?? noopObserver,
    admission: new Admission(limits),
    deadlines,
  };
  const server = createServer((req, res) => {
    void serve(context, req, res);
  });
  try {
    await bind(server, options.listen);
  } catch (error) {
    await deadlines.close();
    throw error;
  }
  const bound = server.address() as AddressInfo;
  return {
    address: { host: bound.address, port: bound.port },
    close: async () => {
      await drain(server, limits.shutdownTimeoutMs);
      await deadlines.close();
    },
  };
}

/** How often a draining server closes the keep-alive connections that have gone idle since. */
const DRAIN_SWEEP_MS = 50;

/** Stops accepting and waits for open requests, for up to `graceMs`; then cuts what is left. */
function drain(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    const sweep = setInterval(() => server.closeIdleConnections(), DRAIN_SWEEP_MS);
    server.close(() => {
      clearTimeout(cut);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function bind(server: Server, listen: ListenAddress): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(cannotListen(listen, { code: error.code, detail: error.message, cause: error })),
    );
    if (listen.socket === undefined) server.listen({ host: listen.host, port: listen.port }, () => resolve());
    else server.listen({ fd: listen.socket() }, () => resolve());
  });
}

async function serve(context: ServeContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Node adds `Connection`/`Keep-Alive` on its own; Spin's responses carry neither.
  res.removeHeader("connection");
  const { app } = context;
  const pathWithQuery = req.url ?? "/";
  const path = pathWithQuery.split("?", 1)[0] ?? "/";
  if (path.startsWith(RESERVED_PREFIX)) return reserved(app, path, res);
  const requestId = ((uuid) => uuid.slice(0, 8) + uuid.slice(-8))(randomUUID()); // 64 random bits, cheaply
  const method = req.method ?? "GET";
  const traceparent = typeof req.headers.traceparent === "string" ? req.headers.traceparent : undefined;
  const { headers } = req;
  const observation = context.observer.request({
    app: app.name,
    method,
    path,
    requestId,
    traceparent,
    headers,
  });
  const input = {
    path,
    pathWithQuery,
    host: req.headers.host,
    clientAddr: clientAddr(req),
    scheme: "http" as const,
  };
  let routed: RoutedRequest | undefined;
  try {
    routed = app.route(input);
  } catch (error) {
    return failed(context, { req, res, requestId, component: undefined, observation }, error);
  }
  if (routed === undefined) {
    empty(res, 404);
    return observation.end({ status: 404 });
  }
  observation.routed(routed.component, routed.spin.rawComponentRoute);
  const exchange: Exchange = { req, res, requestId, component: routed.component, observation };
  if (await admitted(context, exchange)) await runGuest(context, exchange, routed);
}

/** One request on its way through a guest. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly requestId: string;
  readonly component: string | undefined;
  readonly observation: RequestObservation;
}

/** Takes a slot, waiting in the queue if need be; answers 503 and returns false when there is none. */
async function admitted(context: ServeContext, exchange: Exchange): Promise<boolean> {
  const { admission } = context;
  const ticket = admission.admit();
  if (ticket === true) return true;
  if (ticket !== false) {
    exchange.req.once("close", ticket.cancel);
    await ticket.admitted;
    exchange.req.off("close", ticket.cancel);
    return true;
  }
  context.logger.warn("request turned away: every request slot is taken and the queue is full", {
    ...fieldsOf(exchange),
    running: admission.running,
    queued: admission.queued,
  });
  context.observer.rejected("overload", exchange.component);
  exchange.res.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
  empty(exchange.res, 503);
  exchange.observation.end({ status: 503, error: "overload" });
  return false;
}

/**
 * Runs the guest under the request's deadline. Everything that must happen exactly once — giving the
 * slot back, stopping the deadline — is in `finish`, which both the normal end and the deadline's
 * callback call: a guest stopped by the watchdog never returns here.
 */
async function runGuest(context: ServeContext, exchange: Exchange, routed: RoutedRequest): Promise<void> {
  let finished = false;
  const finish = () => {
    if (finished) return false;
    finished = true;
    deadline.end();
    context.admission.release();
    return true;
  };
  const deadline = context.deadlines.start(() => {
    if (finish()) timedOut(context, exchange);
  });
  try {
    const guest = guestRequest(exchange.req, routed, exchange.requestId, (name) =>
      context.app.isReservedHeader(name),
    );
    const response = await exchange.observation.run(() => routed.handler.handle(guest));
    if (finished) return;
    await writeResponse(exchange.res, response);
    if (!finished) exchange.observation.end({ status: response.status });
  } catch (error) {
    if (!finished) failed(context, exchange, error);
  } finally {
    finish();
  }
}

function timedOut(context: ServeContext, exchange: Exchange): void {
  context.logger.error("request exceeded its deadline; the guest instance was dropped", {
    ...fieldsOf(exchange),
    timeout_ms: context.deadlines.timeoutMs,
  });
  context.observer.rejected("deadline", exchange.component);
  exchange.observation.end({
    status: exchange.res.headersSent ? exchange.res.statusCode : 504,
    error: "deadline exceeded",
  });
  if (exchange.res.headersSent) exchange.res.destroy();
  else empty(exchange.res, 504);
}

function failed(context: ServeContext, exchange: Exchange, error: unknown): void {
  const reason = describe(error);
  const log = context.logger.child({ app: context.app.name });
  log.error("request failed", { ...fieldsOf(exchange), error: reason });
  const { res } = exchange;
  exchange.observation.end({ status: res.headersSent ? res.statusCode : 500, error: reason });
  if (exchange.res.headersSent) exchange.res.destroy();
  else empty(exchange.res, 500);
}

function fieldsOf({ req, requestId, component }: Exchange) {
  return { request_id: requestId, component, method: req.method, path: req.url };
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
