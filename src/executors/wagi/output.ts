/**
 * Turns a WAGI guest's stdout into an HTTP response, by the CGI rules Spin applies: a header block ending
 * at the first blank line, then the body. Pure: the executor calls it once per request after the guest
 * exits. A guest mistake Spin answers with a response (no `content-type`, a bad `status`) comes back as that
 * response; one Spin cannot answer (no output, a header block that is not UTF-8, a header value HTTP
 * cannot carry) comes back as a `GuestFault`, which the trigger turns into an empty 500.
 */
import { GuestFault } from "../http.ts";

export interface WagiResponse {
  readonly status: number;
  /** Lower-case names, each once. */
  readonly headers: readonly (readonly [name: string, value: string])[];
  readonly body: Uint8Array;
}

export type WagiOutput =
  | { readonly ok: true; readonly response: WagiResponse; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly fault: GuestFault };

export const INSUFFICIENT_HEADERS_MESSAGE = "Exactly one of 'location' or 'content-type' must be specified";

const LF = 0x0a;
const CR = 0x0d;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// HTTP field values: visible characters, spaces and tabs; controls (including DEL) are not allowed.
// eslint-disable-next-line no-control-regex
const INVALID_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Splits stdout at the first blank line (carriage returns ignored); undefined when there is none. */
function splitAtBlankLine(stdout: Uint8Array): { head: Uint8Array; body: Uint8Array } | undefined {
  let last = -1;
  for (let i = 0; i < stdout.length; i++) {
    const byte = stdout[i];
    if (byte === CR) continue;
    if (byte === LF && last === LF) {
      return { head: stdout.subarray(0, i).filter((b) => b !== CR), body: stdout.subarray(i + 1) };
    }
    last = byte ?? -1;
  }
  return undefined;
}

/** Header lines as a map from lower-case name to the last value given; lines without `:` are skipped. */
function headerLines(block: string, warnings: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.trim().split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) {
      if (line.trim() !== "")
        warnings.push(`ignored a WAGI header line without ':': ${JSON.stringify(line)}`);
      continue;
    }
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.delete(name);
    headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/** `status: <code> [reason]` → the code; 502 when it is not a three-digit status. */
function statusOf(value: string, warnings: string[]): number {
  const code = value.split(" ", 1)[0] ?? "";
  if (/^[1-9]\d\d$/.test(code)) return Number(code);
  warnings.push(`the WAGI status ${JSON.stringify(value)} is not a valid HTTP status; answering 502`);
  return 502;
}

function toResponse(lines: Map<string, string>, body: Uint8Array, warnings: string[]): WagiResponse {
  const explicit = lines.get("status");
  let status = explicit === undefined ? 200 : statusOf(explicit, warnings);
  if (explicit === undefined && lines.has("location")) status = 302;
  const headers: [string, string][] = [];
  for (const [name, value] of lines) {
    if (name === "status") continue;
    if (TOKEN.test(name)) headers.push([name, value]);
    else warnings.push(`ignored the WAGI header ${JSON.stringify(name)}: not a valid header name`);
  }
  return { status, headers, body };
}

/** Parses a guest's complete stdout; `componentId` names the guest in faults. */
export function parseWagiOutput(componentId: string, stdout: Uint8Array): WagiOutput {
  const fault = (message: string): WagiOutput => ({ ok: false, fault: new GuestFault(componentId, message) });
  if (stdout.length === 0) {
    return fault(
      `The ${JSON.stringify(componentId)} component is configured to use the WAGI executor but did not write ` +
        "to stdout. Check the `executor` in spin.toml.",
    );
  }
  const warnings: string[] = [];
  const parts = splitAtBlankLine(stdout) ?? { head: new Uint8Array(0), body: new Uint8Array(0) };
  let block: string;
  try {
    block = utf8.decode(parts.head);
  } catch {
    return fault(`The WAGI headers of component "${componentId}" are not valid UTF-8`);
  }
  const lines = headerLines(block, warnings);
  const invalid = [...lines].find(([, value]) => INVALID_VALUE.test(value));
  if (invalid !== undefined) {
    return fault(
      `The WAGI header "${invalid[0]}" of component "${componentId}" has a control character in its value`,
    );
  }
  if (!lines.has("content-type") && !lines.has("status") && !lines.has("location")) {
    warnings.push(INSUFFICIENT_HEADERS_MESSAGE);
    const body = new TextEncoder().encode(INSUFFICIENT_HEADERS_MESSAGE);
    return { ok: true, response: { status: 500, headers: [], body }, warnings };
  }
  return { ok: true, response: toResponse(lines, parts.body, warnings), warnings };
}
