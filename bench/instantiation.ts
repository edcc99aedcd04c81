/**
 * Per-request instantiation time, in process, through the executors' library API: each request goes
 * through the WAGI or component handler as `spindle up` builds it, with a turn of the event loop between
 * requests, and the handler's `onInstantiated` callback reports how long each new instance took. The peer
 * is a raw `new WebAssembly.Instance` of the same guest's core module (no-op imports, no host objects),
 * timed the same way. Each figure is the median over `runs` of that run's p50 or p99.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createComponentHandler } from "../src/executors/component/executor.ts";
import type { HttpGuestRequest, HttpGuestResponse, HttpHandler } from "../src/executors/http.ts";
import { createWagiHandler } from "../src/executors/wagi/executor.ts";
import { compileRecyclable } from "../src/engine/module-cache.ts";
import type { Guests } from "./guests/build.ts";
import { sleeperComponent } from "./guests/sleeper.ts";
import { largestCoreModule, stubImports } from "./support/core-modules.ts";
import { CACHE_HOME } from "./support/spindle.ts";
import { median, percentile } from "./support/stats.ts";

export interface Percentiles {
  /** Microseconds. */
  readonly p50: number;
  readonly p99: number;
}

export interface InstantiationRow {
  readonly guest: string;
  /** Through the executor, as `onInstantiated` reports it. */
  readonly spindle: Percentiles;
  /** Instances the executor created per request (below 1 when it reuses or recycles them). */
  readonly perRequest: number;
  /** Raw `new WebAssembly.Instance` of the guest's core module. */
  readonly raw: Percentiles;
}

export interface InstantiationResult {
  readonly requests: number;
  readonly runs: number;
  readonly rows: readonly InstantiationRow[];
}

interface Subject {
  readonly guest: string;
  /** Builds the handler, reporting each instantiation to `record` (seconds). */
  readonly handler: (record: (seconds: number) => void) => Promise<HttpHandler>;
  readonly coreModule: WebAssembly.Module;
  readonly path: string;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const ignore = { stdout: () => undefined, stderr: () => undefined };
const noFiles = new Map<string, string>();

async function subjects(guests: Guests): Promise<Subject[]> {
  const wagiBytes = readFileSync(guests.jsonWagi);
  // As `spindle up` compiles it (its memory may become an import, for recycling); the raw peer is not.
  const wagiEngineModule = await compileRecyclable(new Uint8Array(wagiBytes));
  const wagiModule = new WebAssembly.Module(wagiBytes);
  const component = (componentId: string, bytes: Uint8Array) => (record: (seconds: number) => void) =>
    createComponentHandler({
      componentId,
      origin: componentId,
      bytes,
      digest: `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
      environment: new Map(),
      files: noFiles,
      output: ignore,
      cacheDir: join(CACHE_HOME, "spindle"),
      onInstantiated: record,
    });
  const sleeper = await sleeperComponent(0);
  const js = readFileSync(guests.jsComponent);
  return [
    {
      guest: "WAGI C guest (json.c)",
      handler: (record) =>
        Promise.resolve(
          createWagiHandler({
            componentId: "json",
            module: wagiEngineModule,
            environment: new Map(),
            files: noFiles,
            output: ignore,
            onInstantiated: record,
          }),
        ),
      coreModule: wagiModule,
      path: "/json?x=1",
    },
    {
      guest: "small WAT component",
      handler: component("small", sleeper),
      coreModule: largestCoreModule(sleeper),
      path: "/",
    },
    {
      guest: "JS SDK component",
      handler: component("js", js),
      coreModule: largestCoreModule(js),
      path: "/counter",
    },
  ];
}

function guestRequest(path: string, n: number): HttpGuestRequest {
  return {
    method: "GET",
    scheme: "http",
    authority: "127.0.0.1",
    pathWithQuery: path,
    headers: [],
    body: (async function* () {})(),
    protocol: "HTTP/1.1",
    spin: {
      fullUrl: `http://127.0.0.1${path}`,
      pathInfo: path,
      matchedRoute: "/...",
      rawComponentRoute: "/...",
      componentRoute: "",
      basePath: "/",
      clientAddr: "127.0.0.1:1",
      params: [],
    },
    requestId: `bench-${n}`,
  };
}

/** Reads the body to its end (a component instance finishes only then); returns its length. */
async function drain(response: HttpGuestResponse): Promise<number> {
  if (response.body instanceof Uint8Array) return response.body.length;
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.length;
  return bytes;
}

async function throughExecutor(
  subject: Subject,
  requests: number,
): Promise<{ samples: number[]; perRequest: number }> {
  let samples: number[] = [];
  const handler = await subject.handler((seconds) => samples.push(seconds * 1e6));
  for (let i = 0; i < 10; i++) await drain(await handler.handle(guestRequest(subject.path, i)));
  await nextTurn();
  samples = [];
  for (let i = 0; i < requests; i++) {
    await drain(await handler.handle(guestRequest(subject.path, i)));
    await nextTurn();
  }
  return { samples, perRequest: samples.length / requests };
}

async function raw(module: WebAssembly.Module, requests: number): Promise<number[]> {
  const imports = stubImports(module);
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    new WebAssembly.Instance(module, imports);
    samples.push((performance.now() - started) * 1000);
    await nextTurn();
  }
  return samples;
}

const summary = (runs: readonly (readonly number[])[]): Percentiles => ({
  p50: median(runs.map((samples) => percentile(samples, 50))),
  p99: median(runs.map((samples) => percentile(samples, 99))),
});

export async function measureInstantiation(
  guests: Guests,
  options: { readonly runs: number; readonly requests: number },
): Promise<InstantiationResult> {
  const rows: InstantiationRow[] = [];
  for (const subject of await subjects(guests)) {
    const spindle: number[][] = [];
    const peer: number[][] = [];
    let perRequest = 0;
    for (let run = 0; run < options.runs; run++) {
      const executed = await throughExecutor(subject, options.requests);
      spindle.push(executed.samples);
      perRequest = executed.perRequest;
      peer.push(await raw(subject.coreModule, options.requests));
    }
    rows.push({ guest: subject.guest, spindle: summary(spindle), perRequest, raw: summary(peer) });
  }
  return { requests: options.requests, runs: options.runs, rows };
}
