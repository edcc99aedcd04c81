/**
 * The writing end of a body: the guest pushes chunks synchronously (`output-stream.write`), one consumer
 * (the HTTP trigger writing a response, an outbound request's sender) pulls them as an async iterable.
 * The queue knows how much is buffered, so an output stream can offer backpressure (`check-write`,
 * `subscribe`), and it learns when the consumer stopped listening. One per outgoing body; lives until the
 * consumer has read the end or walked away.
 */

type QueueState = "open" | "closed" | "failed";

export class ByteQueue implements AsyncIterable<Uint8Array> {
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #state: QueueState = "open";
  #failure: unknown;
  #abandoned = false;
  #wakeReader: (() => void) | undefined;
  #wakeWriters: (() => void)[] = [];

  /** Bytes pushed and not yet taken by the consumer. */
  get buffered(): number {
    return this.#buffered;
  }

  /** True once the consumer stopped reading before the end (a client that went away). */
  get abandoned(): boolean {
    return this.#abandoned;
  }

  get open(): boolean {
    return this.#state === "open";
  }

  push(chunk: Uint8Array): void {
    if (this.#state !== "open" || this.#abandoned || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    this.#wake();
  }

  /** The body ended normally. */
  close(): void {
    if (this.#state !== "open") return;
    this.#state = "closed";
    this.#wake();
  }

  /** The body ended abnormally: the consumer's iteration throws `error` once the buffer is read. */
  fail(error: unknown): void {
    if (this.#state !== "open") return;
    this.#state = "failed";
    this.#failure = error;
    this.#wake();
  }

  /** Resolves once at most `limit` bytes are buffered, or nobody will read any more. */
  async whenBelow(limit: number): Promise<void> {
    while (this.#buffered > limit && !this.#abandoned) {
      await new Promise<void>((resolve) => this.#wakeWriters.push(resolve));
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      for (;;) {
        const chunk = this.#chunks.shift();
        if (chunk !== undefined) {
          this.#buffered -= chunk.length;
          this.#wakeAllWriters();
          yield chunk;
        } else if (this.#state === "closed") {
          return;
        } else if (this.#state === "failed") {
          throw this.#failure;
        } else {
          await new Promise<void>((resolve) => (this.#wakeReader = resolve));
        }
      }
    } finally {
      if (this.#state === "open" || this.#chunks.length > 0) this.#abandon();
    }
  }

  #abandon(): void {
    this.#abandoned = true;
    this.#chunks = [];
    this.#buffered = 0;
    this.#wakeAllWriters();
  }

  #wake(): void {
    const wake = this.#wakeReader;
    this.#wakeReader = undefined;
    wake?.();
  }

  #wakeAllWriters(): void {
    const writers = this.#wakeWriters;
    this.#wakeWriters = [];
    for (const wake of writers) wake();
  }
}
