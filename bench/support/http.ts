/** A minimal HTTP GET for the benchmarks' own requests: a new connection each, the body read to the end. */
import { get as httpGet } from "node:http";

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
