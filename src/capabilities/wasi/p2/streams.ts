/**
 * `wasi:io/streams` and `wasi:io/error`: input streams read from a `ByteSource`, output streams write to a
 * `ByteSink`. Every stream a guest sees (request and response bodies, files, stdio) is one of these two
 * classes, because the component glue checks resources with `instanceof` against the classes in the
 * import object. Blocking variants return a promise only when they must wait (JSPI suspends the guest).
 * Streams are per instance, created by the resource that owns them; cheap.
 */
import type { ByteSource } from "./byte-source.ts";
import { GuestError } from "./guest-error.ts";
import { Pollable, type Readiness } from "./pollable.ts";

/** Largest single read handed to a guest, whatever length it asks for. */
const MAX_READ = 1 << 20;

/** `wasi:io/error.error`: an opaque error whose debug string the guest may print. */
export class IoError {
  readonly #message: string;
  constructor(message: string) {
    this.#message = message;
  }
  toDebugString(): string {
    return this.#message;
  }
}

/** The stream-error payload `closed`. */
export const CLOSED = { tag: "closed" } as const;

function failed(reason: unknown): GuestError {
  const message = reason instanceof Error ? reason.message : String(reason);
  return new GuestError({ tag: "last-operation-failed", val: new IoError(message) }, message);
}

export class InputStream {
  readonly #source: ByteSource;
  constructor(source: ByteSource) {
    this.#source = source;
  }

  read(len: bigint): Uint8Array {
    const bytes = this.#source.take(Math.min(Number(len), MAX_READ));
    if (bytes.length > 0 || len === 0n) return bytes;
    const state = this.#source.state;
    if (state === "ended") throw new GuestError(CLOSED);
    if (state === "failed") throw failed(this.#source.failure);
    return bytes;
  }

  blockingRead(len: bigint): Uint8Array | Promise<Uint8Array> {
    if (this.#source.isReady() || len === 0n) return this.read(len);
    return this.#source.whenReady().then(() => this.blockingRead(len));
  }

  skip(len: bigint): bigint {
    return BigInt(this.read(len).length);
  }

  async blockingSkip(len: bigint): Promise<bigint> {
    return BigInt((await this.blockingRead(len)).length);
  }

  subscribe(): Pollable {
    return new Pollable(this.#source);
  }

  [Symbol.dispose](): void {
    this.#source.close();
  }
}

/** Where an output stream's bytes go. */
export interface ByteSink extends Readiness {
  /** Whether writes are still accepted. */
  readonly closed: boolean;
  /** How many bytes may be written now without exceeding the sink's window. */
  capacity(): number;
  write(bytes: Uint8Array): void;
  /** Resolves once everything written has been taken by the consumer; undefined when it already has. */
  flush(): Promise<void> | undefined;
}

export class OutputStream {
  readonly #sink: ByteSink;
  constructor(sink: ByteSink) {
    this.#sink = sink;
  }

  checkWrite(): bigint {
    this.#ensureOpen();
    return BigInt(this.#sink.capacity());
  }

  write(contents: Uint8Array): void {
    this.#ensureOpen();
    this.#sink.write(contents);
  }

  blockingWriteAndFlush(contents: Uint8Array): Promise<void> | undefined {
    this.write(contents);
    return this.#sink.flush();
  }

  flush(): void {
    this.#ensureOpen();
  }

  blockingFlush(): Promise<void> | undefined {
    this.#ensureOpen();
    return this.#sink.flush();
  }

  subscribe(): Pollable {
    return new Pollable(this.#sink);
  }

  writeZeroes(len: bigint): void {
    this.write(new Uint8Array(Number(len)));
  }

  blockingWriteZeroesAndFlush(len: bigint): Promise<void> | undefined {
    return this.blockingWriteAndFlush(new Uint8Array(Number(len)));
  }

  splice(source: InputStream, len: bigint): bigint {
    this.#ensureOpen();
    const room = BigInt(this.#sink.capacity());
    const bytes = source.read(len < room ? len : room);
    this.#sink.write(bytes);
    return BigInt(bytes.length);
  }

  async blockingSplice(source: InputStream, len: bigint): Promise<bigint> {
    const bytes = await source.blockingRead(len);
    this.write(bytes);
    await this.#sink.flush();
    return BigInt(bytes.length);
  }

  #ensureOpen(): void {
    if (this.#sink.closed) throw new GuestError(CLOSED);
  }
}
