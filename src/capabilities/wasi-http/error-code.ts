/**
 * The one place host failures become `wasi:http/types.error-code` values the guest sees: an
 * `OutboundError`'s code maps to the case of the same name, anything else is `internal-error` with the
 * message. Pure.
 */
import { OutboundError } from "../outbound-http/outbound.ts";

/** An `error-code` value in the component glue's representation. */
export interface ErrorCode {
  readonly tag: string;
  readonly val?: unknown;
}

export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof OutboundError) {
    switch (error.code) {
      case "internal-error":
        return { tag: "internal-error", val: error.message };
      case "DNS-error":
        return { tag: "DNS-error", val: { rcode: undefined, infoCode: undefined } };
      default:
        return { tag: error.code };
    }
  }
  return { tag: "internal-error", val: error instanceof Error ? error.message : String(error) };
}
