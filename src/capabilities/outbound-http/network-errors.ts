/**
 * The one place where failures of `fetch` (undici's `TypeError("fetch failed")` with a system or undici
 * error as `cause`) become the `OutboundErrorCode` the guest sees. Anything unrecognised is an
 * `internal-error`, with the original error kept as `cause` for the host log. Pure.
 */
import { OutboundError, type OutboundErrorCode } from "./outbound.ts";

const BY_ERROR_CODE: Readonly<Record<string, OutboundErrorCode>> = {
  ENOTFOUND: "DNS-error",
  EAI_AGAIN: "DNS-error",
  EAI_FAIL: "DNS-error",
  EAI_NONAME: "DNS-error",
  ECONNREFUSED: "connection-refused",
  EHOSTUNREACH: "destination-not-found",
  ENETUNREACH: "destination-not-found",
  ETIMEDOUT: "connection-timeout",
  UND_ERR_CONNECT_TIMEOUT: "connection-timeout",
  UND_ERR_HEADERS_TIMEOUT: "HTTP-response-timeout",
  UND_ERR_BODY_TIMEOUT: "HTTP-response-timeout",
  ECONNRESET: "connection-terminated",
  EPIPE: "connection-terminated",
  UND_ERR_SOCKET: "connection-terminated",
  UND_ERR_CLOSED: "connection-terminated",
  // Certificate verification, as Spin reports any failed TLS handshake.
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS-protocol-error",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS-protocol-error",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS-protocol-error",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS-protocol-error",
  CERT_HAS_EXPIRED: "TLS-protocol-error",
  CERT_NOT_YET_VALID: "TLS-protocol-error",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS-protocol-error",
  // The URL's IP address, or every address of its host name, is in a network the runtime config blocks
  // (blocked-networks.ts).
  ERR_DESTINATION_IP_PROHIBITED: "destination-IP-prohibited",
};

/**
 * The `OutboundError` for a failed network request to `url`. An abort carrying an `OutboundError` (a
 * timeout armed by the sender) is returned as is.
 */
export function mapNetworkError(error: unknown, url: URL, signal?: AbortSignal): OutboundError {
  if (error instanceof OutboundError) return error;
  if (signal?.aborted === true && signal.reason instanceof OutboundError) return signal.reason;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = classify(cause);
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new OutboundError(code, `request to ${url.origin} failed: ${detail}`, { cause: error });
}

function classify(cause: unknown): OutboundErrorCode {
  if (!(cause instanceof Error)) return "internal-error";
  const known = BY_ERROR_CODE[errorCode(cause) ?? ""];
  if (known !== undefined) return known;
  if (cause.name === "HTTPParserError" || errorCode(cause)?.startsWith("HPE_") === true) {
    return "HTTP-protocol-error";
  }
  // OpenSSL's own failures and the server's TLS alerts (a client certificate it refused or wanted).
  if (errorCode(cause)?.startsWith("ERR_SSL_") === true) return "TLS-protocol-error";
  // fetch refuses the ports of its "bad port" list (e.g. 1, 25, 6000) before connecting.
  if (cause.message === "bad port") return "connection-refused";
  if (cause.message === "unknown scheme") return "HTTP-request-URI-invalid";
  return "internal-error";
}

/** `code` of a system/undici error; for an `AggregateError` (one try per address), the first inner one. */
function errorCode(error: Error): string | undefined {
  const own = (error as { code?: unknown }).code;
  if (typeof own === "string") return own;
  if (error instanceof AggregateError) {
    const first: unknown = error.errors[0];
    return first instanceof Error ? errorCode(first) : undefined;
  }
  return undefined;
}
