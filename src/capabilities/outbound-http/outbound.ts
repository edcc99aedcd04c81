/**
 * The contract between a guest-facing outbound HTTP interface (`wasi:http/outgoing-handler`, Spin's legacy
 * `fermyon:spin/http`) and the policy that sends requests: the executor turns the guest's request into an
 * `OutboundRequest`, and an `OutboundHttp` decides whether it may go (allowed_outbound_hosts), where it goes
 * (the network, or this app's own router for `self` and `*.spin.internal`), and sends it. One `OutboundHttp`
 * per component, built at load time; `send` is per request.
 */

export interface OutboundRequest {
  /** Upper-case method. */
  readonly method: string;
  /** Absolute URL (`https://example.com/a?b`), or a path (`/a?b`) for a request to the app itself. */
  readonly url: string;
  readonly headers: readonly (readonly [name: string, value: string])[];
  /** Absent for requests without a body. */
  readonly body: AsyncIterable<Uint8Array> | undefined;
  /** Timeouts the guest asked for, in milliseconds. */
  readonly connectTimeoutMs?: number | undefined;
  readonly firstByteTimeoutMs?: number | undefined;
  readonly betweenBytesTimeoutMs?: number | undefined;
}

export interface OutboundResponse {
  readonly status: number;
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body: AsyncIterable<Uint8Array>;
}

/**
 * Why an outbound request failed, named after the `wasi:http/types.error-code` cases so the executor can
 * hand the guest the matching variant.
 */
export type OutboundErrorCode =
  | "HTTP-request-denied"
  | "HTTP-request-URI-invalid"
  | "DNS-error"
  | "destination-not-found"
  | "connection-refused"
  | "connection-timeout"
  | "connection-terminated"
  | "TLS-protocol-error"
  | "destination-IP-prohibited"
  | "HTTP-response-timeout"
  | "HTTP-protocol-error"
  | "internal-error";

/** A failed outbound request: guest-visible as an error value, never a trap. */
export class OutboundError extends Error {
  readonly code: OutboundErrorCode;
  constructor(code: OutboundErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "OutboundError";
    this.code = code;
  }
}

export interface OutboundHttp {
  /** Sends the request, or rejects with an `OutboundError`. */
  send(request: OutboundRequest): Promise<OutboundResponse>;
}
