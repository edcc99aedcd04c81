/**
 * The outgoing side of `wasi:http/types`: the response a guest builds (`outgoing-response`, delivered
 * through `response-outparam`), the request it sends out (`outgoing-request`, `request-options`), and
 * their bodies. A body is a `ByteQueue` its consumer (the HTTP trigger, an outbound sender) reads as the
 * guest writes, so bodies stream both ways. Trailers given to `outgoing-body.finish` are kept on the
 * message for its consumer: the HTTP trigger sends a response's; an outbound request's are not sent (fetch
 * cannot). Per request; a body and its stream can be taken once.
 */
import { ByteQueue } from "../wasi/p2/byte-queue.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";
import { queueSink } from "../wasi/p2/sinks.ts";
import { OutputStream } from "../wasi/p2/streams.ts";
import type { ErrorCode } from "./error-code.ts";
import { Fields } from "./fields.ts";

const noValue = (message: string) => new GuestError(undefined, message);

export class OutgoingBody {
  readonly #queue: ByteQueue;
  readonly #keepTrailers: (trailers: Fields) => void;
  #written = false;
  #finished = false;

  constructor(queue: ByteQueue, keepTrailers: (trailers: Fields) => void) {
    this.#queue = queue;
    this.#keepTrailers = keepTrailers;
  }

  write(): OutputStream {
    if (this.#written) throw noValue("the body stream was already taken");
    this.#written = true;
    return new OutputStream(queueSink(this.#queue, () => !this.#finished && this.#queue.open));
  }

  /** Ends the body; its trailers, if any, are kept for whoever sends the message. */
  static finish(body: OutgoingBody, trailers: Fields | undefined): void {
    if (trailers !== undefined) body.#keepTrailers(trailers);
    body.#finished = true;
    body.#queue.close();
  }

  /** Dropped without `finish`: the body is cut off, and its reader sees an error. */
  [Symbol.dispose](): void {
    if (!this.#finished) this.#queue.fail(new Error("the guest dropped the body without finishing it"));
  }
}

/** A message whose headers and single body the guest owns until it hands the message over. */
class OutgoingMessage {
  readonly #headers: Fields;
  readonly queue = new ByteQueue();
  #bodyTaken = false;
  #trailers: [string, string][] = [];

  constructor(headers: Fields) {
    this.#headers = headers.frozenCopy();
  }

  headers(): Fields {
    return this.#headers.frozenView();
  }

  body(): OutgoingBody {
    if (this.#bodyTaken) throw noValue("the body was already taken");
    this.#bodyTaken = true;
    return new OutgoingBody(this.queue, (trailers) => (this.#trailers = trailers.toHeaders()));
  }

  /** Whether the guest ever asked for the body (a message without one has an empty body). */
  get bodyTaken(): boolean {
    return this.#bodyTaken;
  }

  headerList(): [string, string][] {
    return this.#headers.toHeaders();
  }

  /** The trailers the guest finished the body with; none until it has. */
  trailerList(): readonly [string, string][] {
    return this.#trailers;
  }
}

export class OutgoingResponse extends OutgoingMessage {
  #status = 200;

  statusCode(): number {
    return this.#status;
  }

  setStatusCode(status: number): void {
    if (status < 100 || status > 599) throw noValue(`invalid status code ${status}`);
    this.#status = status;
  }
}

interface Scheme {
  tag: string;
  val?: string;
}

export class OutgoingRequest extends OutgoingMessage {
  #method: { tag: string; val?: string } = { tag: "get" };
  #pathWithQuery: string | undefined;
  #scheme: Scheme | undefined;
  #authority: string | undefined;

  method(): { tag: string; val?: string } {
    return this.#method;
  }

  setMethod(method: { tag: string; val?: string }): void {
    if (method.tag === "other" && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method.val ?? "")) {
      throw noValue("invalid method");
    }
    this.#method = method;
  }

  /** The method as an upper-case string. */
  methodName(): string {
    return this.#method.tag === "other" ? (this.#method.val ?? "") : this.#method.tag.toUpperCase();
  }

  pathWithQuery(): string | undefined {
    return this.#pathWithQuery;
  }

  setPathWithQuery(value: string | undefined): void {
    this.#pathWithQuery = value;
  }

  scheme(): Scheme | undefined {
    return this.#scheme;
  }

  setScheme(value: Scheme | undefined): void {
    this.#scheme = value;
  }

  authority(): string | undefined {
    return this.#authority;
  }

  setAuthority(value: string | undefined): void {
    this.#authority = value;
  }
}

type Duration = bigint | undefined;

export class RequestOptions {
  #connect: Duration;
  #firstByte: Duration;
  #betweenBytes: Duration;

  connectTimeout(): Duration {
    return this.#connect;
  }
  setConnectTimeout(value: Duration): void {
    this.#connect = value;
  }
  firstByteTimeout(): Duration {
    return this.#firstByte;
  }
  setFirstByteTimeout(value: Duration): void {
    this.#firstByte = value;
  }
  betweenBytesTimeout(): Duration {
    return this.#betweenBytes;
  }
  setBetweenBytesTimeout(value: Duration): void {
    this.#betweenBytes = value;
  }
}

export type ResponseResult = { tag: "ok"; val: OutgoingResponse } | { tag: "err"; val: ErrorCode };

/** The slot the guest delivers its response into; the executor creates one per request. */
export class ResponseOutparam {
  readonly #deliver: (result: ResponseResult) => void;
  #set = false;

  constructor(deliver: (result: ResponseResult) => void) {
    this.#deliver = deliver;
  }

  static set(param: ResponseOutparam, result: ResponseResult): void {
    if (param.#set) throw new Error("response-outparam.set called twice");
    param.#set = true;
    param.#deliver(result);
  }
}
