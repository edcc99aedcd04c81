/**
 * The incoming side of `wasi:http/types`: the request a guest handles (`incoming-request`), the response
 * an outbound call returns (`incoming-response`), and their bodies, read through a `ByteSource` so a body
 * still arriving streams into the guest. A request's trailers (HTTP/1.1 chunked trailers) reach the guest
 * through `future-trailers` once it has read the body to its end; a body finished early, and an outbound
 * response (fetch does not expose trailers), have none. Per request; each body and its stream can be
 * taken once, as the interface requires.
 */
import { ByteSource } from "../wasi/p2/byte-source.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";
import { readyPollable, type Pollable } from "../wasi/p2/pollable.ts";
import { InputStream } from "../wasi/p2/streams.ts";
import { Fields } from "./fields.ts";

/** What the host knows about a request it hands to a guest (an `HttpGuestRequest` fits). */
export interface IncomingRequestData {
  readonly method: string;
  readonly scheme: "http" | "https";
  readonly authority: string;
  readonly pathWithQuery: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: AsyncIterable<Uint8Array>;
  /** The trailers that followed the body; asked only once the body has ended. */
  readonly trailers?: () => readonly (readonly [string, string])[];
}

type Trailers = () => readonly (readonly [string, string])[];
const NO_TRAILERS: Trailers = () => [];

const METHODS = new Set(["get", "head", "post", "put", "delete", "connect", "options", "trace", "patch"]);

/** A method string as the WIT `method` variant. */
export function methodOf(method: string): { tag: string; val?: string } {
  const lower = method.toLowerCase();
  return METHODS.has(lower) && method === method.toUpperCase()
    ? { tag: lower }
    : { tag: "other", val: method };
}

export class FutureTrailers {
  readonly #trailers: readonly (readonly [string, string])[];
  #taken = false;

  constructor(trailers: readonly (readonly [string, string])[]) {
    this.#trailers = trailers;
  }

  subscribe(): Pollable {
    return readyPollable();
  }

  get(): { tag: "ok"; val: { tag: "ok"; val: Fields | undefined } } | { tag: "err"; val: undefined } {
    if (this.#taken) return { tag: "err", val: undefined };
    this.#taken = true;
    const val = this.#trailers.length === 0 ? undefined : Fields.fromHeaders(this.#trailers).frozenView();
    return { tag: "ok", val: { tag: "ok", val } };
  }
}

export class IncomingBody {
  readonly #source: ByteSource;
  readonly #trailers: Trailers;
  #streamed = false;

  constructor(source: ByteSource, trailers: Trailers) {
    this.#source = source;
    this.#trailers = trailers;
  }

  stream(): InputStream {
    if (this.#streamed) throw new GuestError(undefined, "the body stream was already taken");
    this.#streamed = true;
    return new InputStream(this.#source);
  }

  static finish(body: IncomingBody): FutureTrailers {
    const complete = body.#source.exhausted;
    body.#source.close();
    return new FutureTrailers(complete ? body.#trailers() : []);
  }
}

/** The part both incoming messages share: immutable headers and a body consumed once. */
class IncomingMessage {
  readonly #headers: Fields;
  readonly #body: AsyncIterable<Uint8Array>;
  readonly #trailers: Trailers;
  #consumed = false;

  constructor(
    headers: readonly (readonly [string, string])[],
    body: AsyncIterable<Uint8Array>,
    trailers: Trailers = NO_TRAILERS,
  ) {
    this.#headers = Fields.fromHeaders(headers);
    this.#body = body;
    this.#trailers = trailers;
  }

  headers(): Fields {
    return this.#headers.frozenView();
  }

  /** Whether the guest has taken the body (a request it never took can still be served again). */
  get bodyTaken(): boolean {
    return this.#consumed;
  }

  consume(): IncomingBody {
    if (this.#consumed) throw new GuestError(undefined, "the body was already consumed");
    this.#consumed = true;
    return new IncomingBody(new ByteSource(this.#body), this.#trailers);
  }
}

export class IncomingRequest extends IncomingMessage {
  readonly #data: IncomingRequestData;

  constructor(data: IncomingRequestData) {
    super(data.headers, data.body, data.trailers);
    this.#data = data;
  }

  method(): { tag: string; val?: string } {
    return methodOf(this.#data.method);
  }

  pathWithQuery(): string {
    return this.#data.pathWithQuery;
  }

  scheme(): { tag: "HTTP" | "HTTPS" } {
    return { tag: this.#data.scheme === "https" ? "HTTPS" : "HTTP" };
  }

  authority(): string {
    return this.#data.authority;
  }
}

export class IncomingResponse extends IncomingMessage {
  readonly #status: number;

  constructor(
    status: number,
    headers: readonly (readonly [string, string])[],
    body: AsyncIterable<Uint8Array>,
  ) {
    super(headers, body);
    this.#status = status;
  }

  status(): number {
    return this.#status;
  }
}
