/**
 * What the dashboard shows, kept in memory: an `Observer` that folds requests into one point per second
 * (rate, errors, latency p50/p99) for the last two minutes, counts requests per route, buckets
 * instantiation times, and keeps the latest requests, errors, guest log lines and host warnings and errors
 * (per component). Every
 * second it hands subscribers (the dashboard's event streams) the new point and what happened since the
 * last one. One per process, bounded in size whatever the load.
 */
import { noopObserver, type Observer, type RequestObservation, type RequestStart } from "../observer.ts";

const HISTORY_SECONDS = 120;
const RECENT = 50;
const LOG_LINES_PER_COMPONENT = 100;
/** Latencies kept per second for the quantiles; beyond it a second's quantiles come from a sample. */
const LATENCIES_PER_SECOND = 2000;
/** Upper bounds of the instantiation histogram, in milliseconds (the last bucket is everything above). */
const INSTANTIATION_BOUNDS_MS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 100];

export interface Point {
  readonly time: number;
  readonly requests: number;
  readonly errors: number;
  readonly p50: number | null;
  readonly p99: number | null;
}

export interface RequestRecord {
  readonly time: number;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly component: string;
  readonly status: number;
  readonly ms: number;
  readonly error?: string | undefined;
}

export interface LogRecord {
  readonly time: number;
  readonly component: string;
  /** `host` for Spindle's own warnings and errors about the component. */
  readonly stream: "stdout" | "stderr" | "host";
  readonly line: string;
}

export interface RouteStats {
  readonly component: string;
  readonly route: string;
  requests: number;
  errors: number;
}

/** Everything that happened in one second. */
export interface Tick {
  readonly point: Point;
  readonly requests: readonly RequestRecord[];
  readonly errors: readonly RequestRecord[];
  readonly logs: readonly LogRecord[];
  readonly routes: readonly RouteStats[];
  readonly instantiation: readonly number[];
}

export interface Snapshot {
  readonly points: readonly Point[];
  readonly requests: readonly RequestRecord[];
  readonly errors: readonly RequestRecord[];
  readonly logs: readonly LogRecord[];
  readonly routes: readonly RouteStats[];
  readonly instantiation: readonly number[];
  readonly instantiationBoundsMs: readonly number[];
}

export interface Feed {
  readonly observer: Observer;
  /** Takes one host log line (the logger's JSON); keeps warnings and errors, under their component. */
  hostLog(json: string): void;
  snapshot(): Snapshot;
  /** Calls `listener` once a second with the new tick; returns the unsubscribe function. */
  subscribe(listener: (tick: Tick) => void): () => void;
  close(): void;
}

export function createFeed(now: () => number = Date.now): Feed {
  const state = new FeedState();
  const listeners = new Set<(tick: Tick) => void>();
  const timer = setInterval(() => {
    const tick = state.tick(now());
    for (const listener of listeners) listener(tick);
  }, 1000);
  timer.unref();
  // Rejections are left to noopObserver: the rejected request's own end (503/504) is what the page shows.
  const observer: Observer = {
    ...noopObserver,
    request: (start) => observeRequest(state, start, now),
    instantiated: (_component, seconds) => state.instantiated(seconds * 1000),
    guestOutput: (component, stream, line) => state.log({ time: now(), component, stream, line }),
  };
  return {
    observer,
    hostLog(json) {
      const record = hostRecord(json, now());
      if (record !== undefined) state.log(record);
    },
    snapshot: () => state.snapshot(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => clearInterval(timer),
  };
}

/**
 * The level of a line the dashboard keeps. The logger (logger.ts) writes the level first, as a label
 * (`{"level":"warn",…`), so every other line is dropped without being parsed: debug logging costs the
 * dashboard one regular-expression test a line.
 */
const KEPT_LEVEL = /^\{"level":"(warn|error)"/;

function hostRecord(json: string, time: number): LogRecord | undefined {
  const level = KEPT_LEVEL.exec(json)?.[1];
  if (level === undefined) return undefined;
  const { msg, component, request_id: requestId } = JSON.parse(json) as Record<string, unknown>;
  const id = typeof requestId === "string" ? ` (request ${requestId})` : "";
  const line = `${level.toUpperCase()} ${String(msg)}${id}`;
  return { time, component: typeof component === "string" ? component : "spindle", stream: "host", line };
}

function observeRequest(state: FeedState, start: RequestStart, now: () => number): RequestObservation {
  const started = performance.now();
  let component = "";
  let route = "";
  return {
    routed(id, raw) {
      component = id;
      route = raw;
    },
    run: (fn) => fn(),
    end(outcome) {
      const ms = performance.now() - started;
      const { requestId, method, path } = start;
      const record = { time: now(), requestId, method, path, component, status: outcome.status, ms };
      state.request(outcome.error === undefined ? record : { ...record, error: outcome.error }, route);
    },
  };
}

class FeedState {
  readonly #points: Point[] = [];
  readonly #requests: RequestRecord[] = [];
  readonly #errors: RequestRecord[] = [];
  readonly #logs = new Map<string, LogRecord[]>();
  readonly #routes = new Map<string, RouteStats>();
  readonly #instantiation: number[] = new Array<number>(INSTANTIATION_BOUNDS_MS.length + 1).fill(0);
  #second = { requests: 0, errors: 0, latencies: [] as number[] };
  #fresh = { requests: [] as RequestRecord[], errors: [] as RequestRecord[], logs: [] as LogRecord[] };

  request(record: RequestRecord, route: string): void {
    const failed = record.status >= 500;
    this.#second.requests++;
    if (failed) this.#second.errors++;
    if (this.#second.latencies.length < LATENCIES_PER_SECOND) this.#second.latencies.push(record.ms);
    push(this.#requests, record, RECENT);
    push(this.#fresh.requests, record, RECENT);
    if (failed) push(this.#errors, record, RECENT);
    if (failed) push(this.#fresh.errors, record, RECENT);
    if (record.component === "") return;
    const key = `${record.component}\n${route}`;
    const stats = this.#routes.get(key) ?? { component: record.component, route, requests: 0, errors: 0 };
    stats.requests++;
    if (failed) stats.errors++;
    this.#routes.set(key, stats);
  }

  instantiated(ms: number): void {
    const bucket = INSTANTIATION_BOUNDS_MS.findIndex((bound) => ms <= bound);
    this.#instantiation[bucket === -1 ? INSTANTIATION_BOUNDS_MS.length : bucket]! += 1;
  }

  log(record: LogRecord): void {
    const lines = this.#logs.get(record.component) ?? [];
    push(lines, record, LOG_LINES_PER_COMPONENT);
    this.#logs.set(record.component, lines);
    push(this.#fresh.logs, record, LOG_LINES_PER_COMPONENT);
  }

  tick(time: number): Tick {
    const { requests, errors, latencies } = this.#second;
    latencies.sort((a, b) => a - b);
    const point = { time, requests, errors, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99) };
    push(this.#points, point, HISTORY_SECONDS);
    const fresh = this.#fresh;
    this.#second = { requests: 0, errors: 0, latencies: [] };
    this.#fresh = { requests: [], errors: [], logs: [] };
    return { point, ...fresh, routes: [...this.#routes.values()], instantiation: [...this.#instantiation] };
  }

  snapshot(): Snapshot {
    return {
      points: [...this.#points],
      requests: [...this.#requests],
      errors: [...this.#errors],
      logs: [...this.#logs.values()].flat().sort((a, b) => a.time - b.time),
      routes: [...this.#routes.values()],
      instantiation: [...this.#instantiation],
      instantiationBoundsMs: INSTANTIATION_BOUNDS_MS,
    };
  }
}

function push<T>(list: T[], item: T, limit: number): void {
  list.push(item);
  if (list.length > limit) list.shift();
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? null;
}
