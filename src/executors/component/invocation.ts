/**
 * One request's run of an HTTP component: a never-used instance (instance.ts), the request and the
 * response slot, and the call to `incoming-handler.handle`. Reports two moments separately, because the
 * response starts before the guest finishes: `response` settles when the guest sets its
 * response-outparam (or fails or returns first), `finished` when `handle` returns or traps. Per request.
 */
import type { IncomingRequest } from "../../capabilities/wasi-http/incoming.ts";
import { ResponseOutparam, type ResponseResult } from "../../capabilities/wasi-http/outgoing.ts";
import type { ReadyInstance } from "./instance.ts";

export interface Invocation {
  /** The guest's response, or undefined when `handle` returned or failed without setting one. */
  readonly response: Promise<ResponseResult | undefined>;
  /** Settles when `handle` returns; rejects with the trap (or `GuestExit`) when it does not. */
  readonly finished: Promise<void>;
}

/** Serves `request` with the instance `take` hands out (created then, or earlier by a pool). */
export function invoke(take: () => ReadyInstance, request: IncomingRequest): Invocation {
  let deliver: (result: ResponseResult | undefined) => void = () => undefined;
  const response = new Promise<ResponseResult | undefined>((resolve) => (deliver = resolve));
  const outparam = new ResponseOutparam((result) => deliver(result));
  const finished = (async () => {
    // Inside the async function, so a failing instantiation or a synchronous trap rejects `finished`.
    const instance = take();
    await instance.entry(request, outparam);
  })();
  // A response set before the end was delivered first; this only answers "never set".
  finished.then(
    () => deliver(undefined),
    () => deliver(undefined),
  );
  return { response, finished };
}
