// A raw `wasi:http/incoming-handler` component (no fetch event), so one instance can serve many requests:
// it answers how many requests this instance has served, and `?leak=VALUE` leaves VALUE in module state
// for the next request on the same instance to see. Instance reuse is visible exactly through that state.
//
// It runs inside the component (StarlingMonkey), against WIT imports neither the type checker nor the
// linter can resolve, so both skip this folder.
import { Fields, OutgoingBody, OutgoingResponse, ResponseOutparam } from "wasi:http/types@0.2.3";

const encoder = new TextEncoder();
let served = 0;
let left = null;

export const incomingHandler = {
  handle(request, outparam) {
    served += 1;
    const query = new URLSearchParams(request.pathWithQuery().split("?")[1] ?? "");
    const seen = left;
    left = query.get("leak");
    const response = new OutgoingResponse(
      Fields.fromList([["content-type", encoder.encode("application/json")]]),
    );
    const body = response.body();
    ResponseOutparam.set(outparam, { tag: "ok", val: response });
    const out = body.write();
    out.blockingWriteAndFlush(encoder.encode(JSON.stringify({ served, seen })));
    out[Symbol.dispose]?.();
    OutgoingBody.finish(body, undefined);
  },
};
