/**
 * Prometheus metrics: an `Observer` that counts requests, times them and their instantiations, tracks
 * instances in flight, rejections, outbound requests, host capability calls and pub/sub messages, and reads
 * ready instances and instance memory from the executors when scraped, in a registry of its own (never
 * prom-client's global one, so two hosts in one process never mix their numbers). Served as text by the admin
 * listener's `/metrics`. One per process; every update is a map lookup and an addition.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ComponentInstances } from "./dashboard/routes.ts";
import type { Observer, RequestObservation, RequestStart } from "./observer.ts";

export interface Metrics {
  readonly observer: Observer;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
  readonly contentType: string;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Instantiation takes microseconds for small modules and milliseconds for JS guests. */
const INSTANTIATION_BUCKETS = [
  0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1,
];

/** Per component, what its instances hold at scrape time (ready ones, linear memory). */
export type InstanceFigures = () => readonly ComponentInstances[];

export function createMetrics(figures: InstanceFigures = () => []): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const m = instruments(registry);
  instanceGauges(registry, figures);
  const observer: Observer = {
    request: (start) => observeRequest(m, start),
    instantiated: (component, seconds) => m.instantiation.observe({ component }, seconds),
    rejected: (reason, component) => m.rejected.inc({ component: component ?? "", reason }),
    guestOutput: () => undefined,
    outbound: (start) => ({
      headers: [],
      end: (outcome) =>
        m.outbound.inc({
          component: start.component,
          status: outcome.status === undefined ? "error" : String(outcome.status),
        }),
    }),
    message: ({ component, channel }) => {
      const started = performance.now();
      return {
        run: (fn) => fn(),
        end(error) {
          m.messages.inc({ component, channel, outcome: error === undefined ? "ok" : "error" });
          m.messageLatency.observe({ component, channel }, (performance.now() - started) / 1000);
        },
      };
    },
    hostCall: ({ capability, operation }) => ({
      end: (failure) => m.hostCalls.inc({ capability, operation, outcome: failure ? "error" : "ok" }),
    }),
  };
  return { observer, render: () => registry.metrics(), contentType: registry.contentType };
}

/** Gauges read when scraped: the figures live in the executors, not in the observer's stream. */
function instanceGauges(registry: Registry, figures: InstanceFigures): void {
  const gauge = (name: string, help: string, value: (c: ComponentInstances) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ["component"],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of figures()) this.set({ component: c.component }, value(c));
      },
    });
  gauge(
    "spindle_instances_ready",
    "Instances ready for a request: never used (the pool) or idle between reused requests",
    (c) => c.ready,
  );
  gauge(
    "spindle_instance_memory_bytes",
    "Linear memory held by a component's instances, ready and in flight",
    (c) => c.memoryBytes,
  );
}

type Instruments = ReturnType<typeof instruments>;

function instruments(registers: Registry) {
  const common = { registers: [registers] };
  return {
    requests: new Counter({
      name: "spindle_http_requests_total",
      help: "HTTP requests answered, by app, component, route, method and status (component and route are empty when no route matched)",
      labelNames: ["app", "component", "route", "method", "status"] as const,
      ...common,
    }),
    latency: new Histogram({
      name: "spindle_http_request_duration_seconds",
      help: "Time from a request's arrival to the end of its response",
      labelNames: ["app", "component", "route"] as const,
      buckets: LATENCY_BUCKETS,
      ...common,
    }),
    inFlight: new Gauge({
      name: "spindle_instances_in_flight",
      help: "Requests being served by a guest instance right now",
      labelNames: ["app", "component"] as const,
      ...common,
    }),
    instantiation: new Histogram({
      name: "spindle_instantiation_duration_seconds",
      help: "Time to create one guest instance (pooled WAGI instances included)",
      labelNames: ["component"] as const,
      buckets: INSTANTIATION_BUCKETS,
      ...common,
    }),
    rejected: new Counter({
      name: "spindle_http_requests_rejected_total",
      help: "Requests turned away: overload (503, no slot free) or deadline (504)",
      labelNames: ["component", "reason"] as const,
      ...common,
    }),
    outbound: new Counter({
      name: "spindle_outbound_http_requests_total",
      help: "Outbound HTTP requests guests sent over the network, by status (error when none came back)",
      labelNames: ["component", "status"] as const,
      ...common,
    }),
    hostCalls: new Counter({
      name: "spindle_host_calls_total",
      help: "Host capability calls made by guests, by capability, operation and outcome",
      labelNames: ["capability", "operation", "outcome"] as const,
      ...common,
    }),
    messages: new Counter({
      name: "spindle_messages_total",
      help: "Pub/sub messages handed to components (Redis trigger), by component, channel and outcome",
      labelNames: ["component", "channel", "outcome"] as const,
      ...common,
    }),
    messageLatency: new Histogram({
      name: "spindle_message_duration_seconds",
      help: "Time from a message's delivery until its component returned",
      labelNames: ["component", "channel"] as const,
      buckets: LATENCY_BUCKETS,
      ...common,
    }),
  };
}

function observeRequest(m: Instruments, start: RequestStart): RequestObservation {
  const started = performance.now();
  let component = "";
  let route = "";
  let running = false;
  return {
    routed(id, raw) {
      component = id;
      route = raw;
    },
    run(fn) {
      // Called once the request holds a slot: queued requests are not in flight.
      running = true;
      m.inFlight.inc({ app: start.app, component });
      return fn();
    },
    end(outcome) {
      const labels = { app: start.app, component, route };
      if (running) m.inFlight.dec({ app: start.app, component });
      m.requests.inc({ ...labels, method: start.method, status: String(outcome.status) });
      m.latency.observe(labels, (performance.now() - started) / 1000);
    },
  };
}
