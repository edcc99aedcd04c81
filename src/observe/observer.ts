/**
 * The observer interfaces the core calls at the moments worth measuring — a request arriving, being routed
 * and ending; an instance being created; a request turned away; a guest printing a line; an outbound HTTP
 * request; a host capability call; a pub/sub message handled — and the no-op default used when nothing
 * observes. The core (triggers, executors, capabilities)
 * depends only on this file; metrics, the dashboard and tracing implement it in `src/observe/` and are
 * combined with `combineObservers`. Every method is called on the request path, so implementations must be
 * cheap and must never throw.
 */

/** Why a request was turned away before a guest answered it. */
export type RejectionReason = "overload" | "deadline" | "draining" | (string & {});

export interface RequestStart {
  /** The app's name at the time of the request (it may change on reload). */
  readonly app: string;
  readonly method: string;
  /** The path without the query. */
  readonly path: string;
  readonly requestId: string;
  /** The incoming W3C `traceparent` header, when the client sent one. */
  readonly traceparent: string | undefined;
  /** The request headers as received (names lower-case); read only when something logs them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RequestOutcome {
  readonly status: number;
  /** Why the request failed, for 5xx answers the host produced. */
  readonly error?: string | undefined;
}

/** One request, from arrival to the end of its response. Per request, never reused. */
export interface RequestObservation {
  /** The route matched: the component and the route as written in the manifest. */
  routed(component: string, route: string): void;
  /** Runs `fn` (the guest call) so that work it starts is attributed to this request. */
  run<T>(fn: () => T): T;
  /** The response ended (or failed); called exactly once. */
  end(outcome: RequestOutcome): void;
}

export interface MessageStart {
  readonly app: string;
  readonly component: string;
  /** The messaging system (`redis`), OpenTelemetry's `messaging.system`. */
  readonly system: string;
  readonly channel: string;
}

/** One message handed to a component, from delivery until the guest returns. Per message, never reused. */
export interface MessageObservation {
  /** Runs `fn` (the guest call) so that work it starts is attributed to this message. */
  run<T>(fn: () => T): T;
  /** The guest returned (no `error`) or failed; called exactly once. */
  end(error?: string): void;
}

export interface OutboundStart {
  readonly component: string;
  readonly method: string;
  readonly url: string;
}

/** One outbound HTTP request a guest made. */
export interface OutboundObservation {
  /** Headers to add to the outgoing request (W3C `traceparent` when tracing). */
  readonly headers: readonly (readonly [string, string])[];
  end(outcome: { readonly status?: number | undefined; readonly error?: string | undefined }): void;
}

export interface HostCallStart {
  /** The capability, named after its interface (`key-value`, `sqlite`, `redis`, …). */
  readonly capability: string;
  /** The function called: `get`, or `Store.get` for a method of a resource. */
  readonly operation: string;
  /** OpenTelemetry's `db.system.name`, for a capability that talks to a database. */
  readonly dbSystem: string | undefined;
  /** The store or database label the call works on, when it has one. */
  readonly label: string | undefined;
  /** The server the call talks to, when it has one (its host and port; never its credentials). */
  readonly server: ServerAddress | undefined;
}

export interface ServerAddress {
  /** A host name or IP address, an IPv6 address without brackets. */
  readonly address: string;
  readonly port: number | undefined;
}

/** Why a host call failed: `type` is the WIT error variant's tag (or the exception's name). */
export interface HostCallFailure {
  readonly type: string;
  readonly message: string;
}

/** One host call, from its start until it returns, or until its promise settles. Per call, never reused. */
export interface HostCallObservation {
  /** The call returned (no `failure`) or failed; called exactly once. */
  end(failure?: HostCallFailure): void;
}

export interface Observer {
  request(start: RequestStart): RequestObservation;
  /** A new instance of `component` was created, taking `seconds`. */
  instantiated(component: string, seconds: number): void;
  /** A request was turned away (503/504) before or instead of a guest answer. */
  rejected(reason: RejectionReason, component: string | undefined): void;
  /** A whole line a guest wrote to stdout or stderr. */
  guestOutput(component: string, stream: "stdout" | "stderr", line: string): void;
  outbound(start: OutboundStart): OutboundObservation;
  /** A guest calls a host capability (`key-value`, `sqlite`, …). */
  hostCall(start: HostCallStart): HostCallObservation;
  /** A trigger hands a pub/sub message to a component (the Redis trigger). */
  message(start: MessageStart): MessageObservation;
}

const noRequest: RequestObservation = {
  routed: () => undefined,
  run: (fn) => fn(),
  end: () => undefined,
};

const noOutbound: OutboundObservation = { headers: [], end: () => undefined };

const noHostCall: HostCallObservation = { end: () => undefined };

const noMessage: MessageObservation = { run: (fn) => fn(), end: () => undefined };

/** Observes nothing; the default wherever no observer is given. */
export const noopObserver: Observer = {
  request: () => noRequest,
  instantiated: () => undefined,
  rejected: () => undefined,
  guestOutput: () => undefined,
  outbound: () => noOutbound,
  hostCall: () => noHostCall,
  message: () => noMessage,
};

/** One observer calling each of `observers` in turn; the no-op observer when there are none. */
export function combineObservers(observers: readonly Observer[]): Observer {
  if (observers.length === 0) return noopObserver;
  if (observers.length === 1) return observers[0] as Observer;
  return {
    request: (start) => combineRequests(observers.map((o) => o.request(start))),
    instantiated: (component, seconds) => observers.forEach((o) => o.instantiated(component, seconds)),
    rejected: (reason, component) => observers.forEach((o) => o.rejected(reason, component)),
    guestOutput: (component, stream, line) =>
      observers.forEach((o) => o.guestOutput(component, stream, line)),
    outbound: (start) => combineOutbound(observers.map((o) => o.outbound(start))),
    hostCall: (start) => combineHostCalls(observers.map((o) => o.hostCall(start))),
    message: (start) => combineMessages(observers.map((o) => o.message(start))),
  };
}

function combineMessages(parts: readonly MessageObservation[]): MessageObservation {
  return {
    run: (fn) => parts.reduceRight<typeof fn>((inner, p) => () => p.run(inner), fn)(),
    end: (error) => parts.forEach((p) => p.end(error)),
  };
}

function combineRequests(parts: readonly RequestObservation[]): RequestObservation {
  return {
    routed: (component, route) => parts.forEach((p) => p.routed(component, route)),
    run: (fn) => parts.reduceRight<typeof fn>((inner, p) => () => p.run(inner), fn)(),
    end: (outcome) => parts.forEach((p) => p.end(outcome)),
  };
}

function combineOutbound(parts: readonly OutboundObservation[]): OutboundObservation {
  return {
    headers: parts.flatMap((p) => p.headers),
    end: (outcome) => parts.forEach((p) => p.end(outcome)),
  };
}

function combineHostCalls(parts: readonly HostCallObservation[]): HostCallObservation {
  return { end: (failure) => parts.forEach((p) => p.end(failure)) };
}
