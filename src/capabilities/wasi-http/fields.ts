/**
 * `wasi:http/types.fields`: header and trailer maps. Names are case-insensitive (kept lower-case), values
 * are bytes; names must be HTTP tokens and values free of control characters (`invalid-syntax`), the
 * hop-by-hop headers a host manages itself are `forbidden`, and the maps the host hands out (request and
 * response headers, and any map given to a request or response) are `immutable`. Per request; every
 * `headers()` call returns a new handle over the same shared entries, as the guest owns each handle.
 */
import { GuestError } from "../wasi/p2/guest-error.ts";

/** Headers a guest may never set: the host owns the connection (same list as wasmtime's default). */
const FORBIDDEN = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
  "http2-settings",
]);

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

type Entries = Map<string, Uint8Array[]>;

function headerError(tag: "invalid-syntax" | "forbidden" | "immutable"): GuestError {
  return new GuestError({ tag }, `header error: ${tag}`);
}

function validValue(value: Uint8Array): boolean {
  return value.every((b) => b === 0x09 || (b >= 0x20 && b !== 0x7f));
}

function checkName(name: string): string {
  if (!TOKEN.test(name)) throw headerError("invalid-syntax");
  const lower = name.toLowerCase();
  if (FORBIDDEN.has(lower)) throw headerError("forbidden");
  return lower;
}

export class Fields {
  readonly #entries: Entries;
  readonly #immutable: boolean;

  constructor(entries: Entries = new Map(), immutable = false) {
    this.#entries = entries;
    this.#immutable = immutable;
  }

  static fromList(list: readonly (readonly [string, Uint8Array])[]): Fields {
    const fields = new Fields();
    for (const [name, value] of list) fields.append(name, value);
    return fields;
  }

  /** Host side: an immutable map of string headers (byte values are their latin1 encoding). */
  static fromHeaders(headers: readonly (readonly [string, string])[]): Fields {
    const entries: Entries = new Map();
    for (const [name, value] of headers) {
      const key = name.toLowerCase();
      entries.set(key, [...(entries.get(key) ?? []), Buffer.from(value, "latin1")]);
    }
    return new Fields(entries, true);
  }

  get(name: string): Uint8Array[] {
    return [...(this.#entries.get(name.toLowerCase()) ?? [])];
  }

  has(name: string): boolean {
    return this.#entries.has(name.toLowerCase());
  }

  set(name: string, values: readonly Uint8Array[]): void {
    const key = this.#checkWrite(name);
    if (!values.every(validValue)) throw headerError("invalid-syntax");
    if (values.length === 0) this.#entries.delete(key);
    else
      this.#entries.set(
        key,
        values.map((v) => v.slice()),
      );
  }

  delete(name: string): void {
    this.#entries.delete(this.#checkWrite(name));
  }

  append(name: string, value: Uint8Array): void {
    const key = this.#checkWrite(name);
    if (!validValue(value)) throw headerError("invalid-syntax");
    this.#entries.set(key, [...(this.#entries.get(key) ?? []), value.slice()]);
  }

  entries(): [string, Uint8Array][] {
    return [...this.#entries].flatMap(([name, values]) => values.map((v): [string, Uint8Array] => [name, v]));
  }

  clone(): Fields {
    return new Fields(copy(this.#entries));
  }

  /** Host side: an immutable handle over the same entries (for `headers()` of a request or response). */
  frozenView(): Fields {
    return new Fields(this.#entries, true);
  }

  /** Host side: an immutable snapshot, taken when a request or response takes ownership of the map. */
  frozenCopy(): Fields {
    return new Fields(copy(this.#entries), true);
  }

  /** Host side: the entries as strings, for the HTTP layer. */
  toHeaders(): [string, string][] {
    return this.entries().map(([name, value]) => [name, Buffer.from(value).toString("latin1")]);
  }

  #checkWrite(name: string): string {
    if (this.#immutable) throw headerError("immutable");
    return checkName(name);
  }
}

function copy(entries: Entries): Entries {
  return new Map([...entries].map(([name, values]) => [name, [...values]]));
}
