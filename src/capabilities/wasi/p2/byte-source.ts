/**
 * A synchronous reading window onto an asynchronous byte source (a request body still arriving, an
 * outbound response body, a file's contents): preview 2 `input-stream.read` must answer at once with what
 * is buffered, and a pollable waits for more. Pulls one chunk at a time, only when the buffer is empty, so a
 * guest that reads slowly applies backpressure to the sender. One per body or open file; lives as long as
 * the guest's stream.
 */
import type { Readiness } from "./pollable.ts";

export type SourceState = "open" | "ended" | "failed";

export class ByteSource implements Readiness {
  #iterator: AsyncIterator<Uint8Array> | undefined;
  #chunks: Uint8Array[] = [];
  #state: SourceState = "open";
  #failure: unknown;
  #pulling: Promise<void> | undefined;
  #exhausted = false;

  constructor(body: AsyncIterable<Uint8Array> | Uint8Array) {
    if (body instanceof Uint8Array) {
      if (body.length > 0) this.#chunks.push(body);
      this.#state = "ended";
      this.#exhausted = true;
    } else {
      this.#iterator = body[Symbol.asyncIterator]();
    }
  }

  /** "open" while more may come; buffered bytes can still be read in every state. */
  get state(): SourceState {
    return this.#chunks.length > 0 ? "open" : this.#state;
  }

  /** Why the source failed, when `state` is "failed". */
  get failure(): unknown {
    return this.#failure;
  }

  /** Whether the sender's body came to its end (not merely that reading stopped). */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  /** Up to `max` buffered bytes, possibly none; starts fetching more when the buffer runs dry. */
  take(max: number): Uint8Array {
    const first = this.#chunks[0];
    if (first === undefined) {
      this.#pull();
      return new Uint8Array(0);
    }
    if (first.length <= max) {
      this.#chunks.shift();
      return first;
    }
    this.#chunks[0] = first.subarray(max);
    return first.subarray(0, max);
  }

  isReady(): boolean {
    return this.#chunks.length > 0 || this.#state !== "open";
  }

  whenReady(): Promise<void> {
    if (this.isReady()) return Promise.resolve();
    this.#pull();
    return this.#pulling ?? Promise.resolve();
  }

  /**
   * Stops reading and drops what is buffered. The sender is left alone: ending an HTTP request body's
   * iteration early would destroy the socket the response still has to go out on.
   */
  close(): void {
    if (this.#state === "open") this.#state = "ended";
    this.#chunks = [];
  }

  #pull(): void {
    const iterator = this.#iterator;
    if (this.#pulling !== undefined || this.#state !== "open" || iterator === undefined) return;
    const next = iterator.next().then(
      (result) => {
        if (this.#state !== "open") return;
        if (result.done === true) {
          this.#state = "ended";
          this.#exhausted = true;
        } else if (result.value.length > 0) this.#chunks.push(result.value);
      },
      (error: unknown) => {
        this.#state = "failed";
        this.#failure = error;
      },
    );
    this.#pulling = next.finally(() => (this.#pulling = undefined));
  }
}
