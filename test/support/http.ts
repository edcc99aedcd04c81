/**
 * A raw HTTP client for end-to-end tests: unlike fetch it can set `Host`, and it returns the response
 * headers exactly as sent (names and order), so tests can assert what Spindle does and does not send.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";

export interface RawResponse {
  readonly status: number;
  /** Header name (lower-case) → value, as sent. */
  readonly headers: ReadonlyMap<string, string>;
  /** Names as sent, in order. */
  readonly rawHeaderNames: readonly string[];
  readonly body: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export function request(baseUrl: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: options.method ?? "GET", headers: options.headers },
      (res) => readResponse(res, resolve, reject),
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

function readResponse(
  res: IncomingMessage,
  resolve: (response: RawResponse) => void,
  reject: (error: Error) => void,
): void {
  let body = "";
  res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
  res.on("error", reject);
  res.on("end", () => {
    const names = res.rawHeaders.filter((_, i) => i % 2 === 0);
    const headers = new Map<string, string>();
    for (let i = 0; i < res.rawHeaders.length; i += 2) {
      headers.set((res.rawHeaders[i] as string).toLowerCase(), res.rawHeaders[i + 1] as string);
    }
    resolve({ status: res.statusCode ?? 0, headers, rawHeaderNames: names, body });
  });
}

export interface HeldRequest {
  /** Settles when the response has been read in full (or the connection failed). */
  readonly response: Promise<RawResponse>;
  /** Sends the rest of the body and ends the request. */
  finish(rest?: string): void;
}

/**
 * Starts a POST whose body is sent in part and then held back until `finish`: the server has the request
 * but cannot complete it, which keeps it in flight for as long as a test needs.
 */
export function holdRequest(baseUrl: string, path: string): HeldRequest {
  const url = new URL(baseUrl);
  let send: (rest: string) => void = () => undefined;
  const response = new Promise<RawResponse>((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: "POST", headers: { "content-type": "text/plain" } },
      (res) => readResponse(res, resolve, reject),
    );
    req.on("error", reject);
    req.flushHeaders();
    req.write("held ");
    send = (rest) => req.end(rest);
  });
  return { response, finish: (rest = "") => send(rest) };
}
