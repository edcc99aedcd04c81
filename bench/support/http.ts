/**
 * A minimal HTTP GET for the benchmarks' own requests (a new connection each, the body read to the end),
 * and waiting for a server's first 200.
 */
import { get as httpGet } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export interface Answer {
  readonly status: number;
  readonly body: string;
}

export interface GetOptions {
  readonly signal?: AbortSignal;
  /** Called when the response's headers arrive, before its body. */
  readonly onHeaders?: () => void;
  /** Fails the request when no response has begun by then. */
  readonly timeoutMs?: number;
}

export function get(url: string, options: GetOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { signal, timeoutMs } = options;
    const request = httpGet(
      url,
      { agent: false, ...(signal === undefined ? {} : { signal }) },
      (response) => {
        request.setTimeout(0);
        options.onHeaders?.();
        let body = "";
        response.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        response.once("end", () => resolve({ status: response.statusCode ?? 0, body }));
        response.once("error", reject);
      },
    );
    if (timeoutMs !== undefined)
      request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer from ${url}`)));
    request.once("error", reject);
  });
}

export interface FirstOkOptions {
  /** The wait between attempts: short where the time to the first 200 is what is measured. */
  readonly intervalMs: number;
  /** The server's log, appended to the error when no 200 comes within 60 s. */
  readonly log: () => string;
  /** How to ask `url` for its status, where a plain GET from here cannot reach it (another namespace). */
  readonly probe?: () => Promise<number>;
}

/** Resolves once `url` answers 200; fails after 60 s without one. */
export async function firstOk(url: string, options: FirstOkOptions): Promise<void> {
  const deadline = performance.now() + 60_000;
  const probe = options.probe ?? (() => get(url).then((answer) => answer.status));
  while (performance.now() < deadline) {
    const status = await probe().catch(() => 0);
    if (status === 200) return;
    await sleep(options.intervalMs);
  }
  throw new Error(`no 200 from ${url} within 60 s; the server's log:\n${options.log()}`);
}
