/**
 * Between node:http and the guest: the guest's view of an incoming Node request, and writing the guest's
 * response back to Node. Per request; no state of its own.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpGuestRequest, HttpGuestResponse } from "../../executors/http.ts";
import type { RoutedRequest } from "./server.ts";

/**
 * The guest's view of `req`: its headers minus `connection`, the app's reserved ones and a
 * `*.spin.internal` host, plus the `spin-*` headers routing injects; the body streams from `req`.
 */
export function guestRequest(
  req: IncomingMessage,
  routed: RoutedRequest,
  requestId: string,
  isReservedHeader: (name: string) => boolean,
): HttpGuestRequest {
  const headers: (readonly [string, string])[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name === "connection" || isReservedHeader(name)) continue;
    if (name === "host" && (raw[i + 1] as string).split(":", 1)[0]?.endsWith(".spin.internal") === true)
      continue;
    headers.push([name, raw[i + 1] as string]);
  }
  headers.push(...routed.injectedHeaders);
  return {
    method: req.method ?? "GET",
    scheme: "http",
    authority: req.headers.host ?? "localhost",
    pathWithQuery: req.url ?? "/",
    headers,
    body: req,
    trailers: () => pairs(req.rawTrailers),
    protocol: `HTTP/${req.httpVersion}`,
    spin: routed.spin,
    requestId,
  };
}

/** Writes the guest's response to `res`, streaming its body with backpressure, then its trailers. */
export async function writeResponse(res: ServerResponse, response: HttpGuestResponse): Promise<void> {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of response.headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  res.statusCode = response.status;
  for (const [name, values] of grouped)
    res.setHeader(name, values.length === 1 ? (values[0] as string) : values);
  if (response.body instanceof Uint8Array) {
    res.end(response.body);
    return;
  }
  for await (const chunk of response.body) {
    if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
  }
  // Node sends trailers only with chunked encoding: not when the guest set a content-length.
  const trailers = response.trailers?.() ?? [];
  if (trailers.length > 0) res.addTrailers(trailers.map(([name, value]): [string, string] => [name, value]));
  res.end();
}

/** Node's flat `[name, value, name, value, …]` list as pairs, names lower-cased. */
function pairs(raw: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2)
    out.push([(raw[i] as string).toLowerCase(), raw[i + 1] as string]);
  return out;
}
