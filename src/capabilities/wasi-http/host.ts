/**
 * The `wasi:http` imports of one component instance: the `types` resources (shared classes; all state
 * lives in the resource objects) and an `outgoing-handler` bound to the component's `OutboundHttp`.
 * Built per instance; cheap. `denyAllOutbound` is the policy when nothing else is configured.
 */
import { OutboundError, type OutboundHttp } from "../outbound-http/outbound.ts";
import { IoError } from "../wasi/p2/streams.ts";
import { Fields } from "./fields.ts";
import { FutureTrailers, IncomingBody, IncomingRequest, IncomingResponse } from "./incoming.ts";
import { FutureIncomingResponse, outgoingHandler } from "./outgoing-handler.ts";
import {
  OutgoingBody,
  OutgoingRequest,
  OutgoingResponse,
  RequestOptions,
  ResponseOutparam,
} from "./outgoing.ts";

/** The interfaces this module serves, by unversioned name. */
export const WASI_HTTP_INTERFACES = ["wasi:http/types", "wasi:http/outgoing-handler"] as const;

export function wasiHttpImports(outbound: OutboundHttp): Record<string, object> {
  return {
    "wasi:http/types": {
      Fields,
      FutureIncomingResponse,
      FutureTrailers,
      IncomingBody,
      IncomingRequest,
      IncomingResponse,
      OutgoingBody,
      OutgoingRequest,
      OutgoingResponse,
      RequestOptions,
      ResponseOutparam,
      httpErrorCode: (error: unknown) =>
        error instanceof IoError ? { tag: "internal-error", val: error.toDebugString() } : undefined,
    },
    "wasi:http/outgoing-handler": outgoingHandler(outbound),
  };
}

/** Refuses every outbound request, as a component without `allowed_outbound_hosts` must. */
export const denyAllOutbound: OutboundHttp = {
  send: (request) =>
    Promise.reject(
      new OutboundError("HTTP-request-denied", `outbound request to ${request.url} is not allowed`),
    ),
};
