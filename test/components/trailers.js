// A raw `wasi:http/incoming-handler` component (no fetch event): HTTP trailers are only reachable through
// the interface itself. It reads the request body to its end, answers with the request's trailers as JSON
// in the body, and ends its own response body with trailers taken from the query (`?t=name:value`).
//
// It runs inside the component (StarlingMonkey), against WIT imports neither the type checker nor the
// linter can resolve, so both skip this folder.
import {
  Fields,
  IncomingBody,
  OutgoingBody,
  OutgoingResponse,
  ResponseOutparam,
} from "wasi:http/types@0.2.3";

const encoder = new TextEncoder();

function readTrailers(request) {
  const body = request.consume();
  const stream = body.stream();
  let size = 0;
  for (;;) {
    try {
      size += stream.blockingRead(65536n).length;
    } catch {
      break;
    }
  }
  stream[Symbol.dispose]?.();
  const future = IncomingBody.finish(body);
  future.subscribe().block();
  const result = future.get();
  const trailers = result?.val?.val;
  return { size, trailers: trailers === undefined ? null : trailers.entries() };
}

export const incomingHandler = {
  handle(request, outparam) {
    const { size, trailers } = readTrailers(request);
    const decoder = new TextDecoder();
    const seen =
      trailers === null
        ? null
        : Object.fromEntries(trailers.map(([name, value]) => [name, decoder.decode(value)]));
    const response = new OutgoingResponse(
      Fields.fromList([["content-type", encoder.encode("application/json")]]),
    );
    const body = response.body();
    ResponseOutparam.set(outparam, { tag: "ok", val: response });
    const out = body.write();
    out.blockingWriteAndFlush(encoder.encode(JSON.stringify({ size, trailers: seen })));
    out[Symbol.dispose]?.();
    const query = request.pathWithQuery().split("?")[1] ?? "";
    const wanted = new URLSearchParams(query).getAll("t").map((pair) => {
      const [name, value] = pair.split(":");
      return [name, encoder.encode(value ?? "")];
    });
    OutgoingBody.finish(body, wanted.length === 0 ? undefined : Fields.fromList(wanted));
  },
};
