/**
 * Tracing with the OpenTelemetry SDK, exported over OTLP/HTTP (JSON) to the endpoint the standard
 * `OTEL_EXPORTER_OTLP_*` variables name: a server span per request (a child of the caller's span when the
 * request carries a W3C `traceparent`), named after the matched route; a client span per outbound HTTP
 * request a guest makes, whose context goes out in the request's `traceparent`; and a child span of the
 * request span per host capability call (key-value, SQLite, Redis, …), with OpenTelemetry's database
 * attributes where the capability talks to a database. The current request span is carried through the
 * guest's asynchronous work by an `AsyncLocalStorage`, not by a global context manager. Loaded only by
 * tracing.ts, and only when tracing is configured.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import {
  noopObserver,
  type HostCallObservation,
  type HostCallStart,
  type MessageObservation,
  type MessageStart,
  type Observer,
  type OutboundObservation,
  type OutboundStart,
  type RequestObservation,
  type RequestStart,
  type ServerAddress,
} from "./observer.ts";
import type { Tracing } from "./tracing.ts";

const propagator = new W3CTraceContextPropagator();

export function createOtelTracing(env: NodeJS.ProcessEnv): Tracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ "service.name": env["OTEL_SERVICE_NAME"] ?? "spindle" }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...batchDelay(env) })],
  });
  const tracer = provider.getTracer("spindle");
  const current = new AsyncLocalStorage<Span>();
  const observer: Observer = {
    request: (start) => requestSpan(tracer, current, start),
    instantiated: () => undefined,
    rejected: (reason) => current.getStore()?.setAttribute("spindle.rejected", reason),
    guestOutput: () => undefined,
    outbound: (start) => outboundSpan(tracer, current.getStore(), start),
    hostCall: (start) => hostCallSpan(tracer, current.getStore(), start),
    message: (start) => messageSpan(tracer, current, start),
  };
  return { observer, close: () => provider.shutdown() };
}

/** `OTEL_BSP_SCHEDULE_DELAY`: milliseconds between exports (the SDK's default, 5 s, when unset). */
function batchDelay(env: NodeJS.ProcessEnv): { scheduledDelayMillis?: number } {
  const delay = Number(env["OTEL_BSP_SCHEDULE_DELAY"]);
  return Number.isFinite(delay) && delay > 0 ? { scheduledDelayMillis: delay } : {};
}

function requestSpan(
  tracer: Tracer,
  current: AsyncLocalStorage<Span>,
  start: RequestStart,
): RequestObservation {
  const carrier = start.traceparent === undefined ? {} : { traceparent: start.traceparent };
  const parent = propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
  const span = tracer.startSpan(
    start.method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "http.request.method": start.method,
        "url.path": start.path,
        "spindle.app": start.app,
        "spindle.request_id": start.requestId,
      },
    },
    parent,
  );
  return {
    routed(component, route) {
      span.updateName(`${start.method} ${route}`);
      span.setAttributes({ "http.route": route, "spindle.component": component });
    },
    run: (fn) => current.run(span, fn),
    end(outcome) {
      span.setAttribute("http.response.status_code", outcome.status);
      if (outcome.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error ?? "" });
      span.end();
    },
  };
}

/** A consumer span per message, a root like a request's, parent of the host calls the guest makes. */
function messageSpan(
  tracer: Tracer,
  current: AsyncLocalStorage<Span>,
  start: MessageStart,
): MessageObservation {
  const span = tracer.startSpan(`process ${start.channel}`, {
    kind: SpanKind.CONSUMER,
    attributes: {
      "messaging.system": start.system,
      "messaging.destination.name": start.channel,
      "messaging.operation.type": "process",
      "spindle.app": start.app,
      "spindle.component": start.component,
    },
  });
  return {
    run: (fn) => current.run(span, fn),
    end(error) {
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
      span.end();
    },
  };
}

function outboundSpan(tracer: Tracer, parent: Span | undefined, start: OutboundStart): OutboundObservation {
  const context = parent === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, parent);
  const span = tracer.startSpan(
    start.method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        "http.request.method": start.method,
        "url.full": start.url,
        "spindle.component": start.component,
      },
    },
    context,
  );
  const carrier: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
  return {
    headers: Object.entries(carrier),
    end(outcome) {
      if (outcome.status !== undefined) span.setAttribute("http.response.status_code", outcome.status);
      if (outcome.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
      span.end();
    },
  };
}

/** A host call's span, a child of the request's; none for a call made outside any request. */
function hostCallSpan(tracer: Tracer, parent: Span | undefined, start: HostCallStart): HostCallObservation {
  if (parent === undefined) return noopObserver.hostCall(start);
  const remote = start.dbSystem !== undefined || start.label !== undefined || start.server !== undefined;
  const span = tracer.startSpan(
    `${start.capability} ${start.operation}`,
    { kind: remote ? SpanKind.CLIENT : SpanKind.INTERNAL, attributes: hostCallAttributes(start) },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
  return {
    end(failure) {
      if (failure !== undefined) {
        span.setAttribute("error.type", failure.type);
        span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
      }
      span.end();
    },
  };
}

/** OpenTelemetry's database attributes for a database, Spindle's own names for the rest. */
function hostCallAttributes(start: HostCallStart): Attributes {
  const attributes: Attributes = {
    "spindle.capability": start.capability,
    "spindle.operation": start.operation,
    ...serverAttributes(start.server),
  };
  if (start.dbSystem === undefined) {
    if (start.label !== undefined) attributes["spindle.store"] = start.label;
    return attributes;
  }
  attributes["db.system.name"] = start.dbSystem;
  attributes["db.operation.name"] = start.operation.slice(start.operation.lastIndexOf(".") + 1);
  if (start.label !== undefined) attributes["db.namespace"] = start.label;
  return attributes;
}

function serverAttributes(server: ServerAddress | undefined): Attributes {
  if (server === undefined) return {};
  const port = server.port === undefined ? {} : { "server.port": server.port };
  return { "server.address": server.address, ...port };
}
