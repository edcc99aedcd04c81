/**
 * The contract between the HTTP trigger and the executors that turn a request into a guest call (WAGI today,
 * wasi:http components next). The trigger owns sockets and routing; an executor sees only these plain
 * shapes, so it never imports node:http. One `HttpHandler` per (trigger, component) pair, built at load time
 * and shared by every request; each `handle` call is one request.
 */

/** What the router and the Spin header rules worked out for one request (reference §2.6). */
export interface SpinRequestInfo {
  /** `<scheme>://<host><path-and-query>`. */
  readonly fullUrl: string;
  /** The trailing-wildcard part of the path, raw (not percent-decoded); "" for exact routes. */
  readonly pathInfo: string;
  /** The normalised route that matched, e.g. `/users/:id/...`. */
  readonly matchedRoute: string;
  /** The route exactly as written in the manifest. */
  readonly rawComponentRoute: string;
  /** The raw route without its trailing `/...`. */
  readonly componentRoute: string;
  /** Always `/` (Spin 3 removed application base paths). */
  readonly basePath: string;
  /** Peer `ip:port`. */
  readonly clientAddr: string;
  /** `:name` route parameters in route order. */
  readonly params: readonly (readonly [name: string, value: string])[];
}

export interface HttpGuestRequest {
  /** Upper-case method as received. */
  readonly method: string;
  readonly scheme: "http" | "https";
  /** Host (and port) the client addressed. */
  readonly authority: string;
  readonly pathWithQuery: string;
  /** Request headers as received (names lower-case), followed by the injected `spin-*` headers. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body: AsyncIterable<Uint8Array>;
  /** The trailers that followed the body (names lower-case); asked only once the body has ended. */
  readonly trailers?: () => readonly (readonly [name: string, value: string])[];
  /** HTTP version as `HTTP/1.1`. */
  readonly protocol: string;
  readonly spin: SpinRequestInfo;
  /** Identifies this request in host log lines. */
  readonly requestId: string;
}

export interface HttpGuestResponse {
  readonly status: number;
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body: Uint8Array | AsyncIterable<Uint8Array>;
  /** Trailers to send after a streamed body; asked only once the body has ended. */
  readonly trailers?: () => readonly (readonly [name: string, value: string])[];
}

export interface HttpHandler {
  /**
   * Runs the guest for one request. Resolves with the guest's response; rejects (with a `GuestFault`) when
   * the guest trapped or the host failed, which the trigger answers with an empty 500.
   */
  handle(request: HttpGuestRequest): Promise<HttpGuestResponse>;
  /** What the handler's instances hold right now, for metrics and the dashboard. */
  instances(): InstanceStats;
}

export interface InstanceStats {
  /** Instances ready for a request: never used (the pool), or idle between reused requests. */
  readonly ready: number;
  /**
   * Linear memory held by the handler's instances, ready and in flight (idle recycled memories belong to
   * the compiled module, shared by every handler of it, and are not counted).
   */
  readonly memoryBytes: number;
}

/** A guest trap or host-side failure while serving a request: never shown to the client, always logged. */
export class GuestFault extends Error {
  readonly component: string;
  constructor(component: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GuestFault";
    this.component = component;
  }
}
