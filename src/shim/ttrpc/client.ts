/**
 * A unary ttrpc client over a unix socket: one Request frame out per call on a fresh odd stream id, the
 * matching Response frame back. Used to check that a shim already answers on an address before reusing
 * it, and by the tests to drive the task service exactly as containerd does.
 */
import { connect, type Socket } from "node:net";
import { decode, encode } from "../proto/codec.ts";
import { TtrpcRequest, TtrpcResponse } from "../proto/messages.ts";
import { encodeFrame, FrameDecoder, FrameType } from "./frame.ts";

/** A non-OK status returned by the server. */
export class TtrpcStatusError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.name = "TtrpcStatusError";
    this.code = code;
  }
}

interface Pending {
  resolve(payload: Uint8Array): void;
  reject(error: Error): void;
}

export class TtrpcClient {
  readonly #socket: Socket;
  readonly #pending = new Map<number, Pending>();
  #nextStream = 1;

  private constructor(socket: Socket) {
    this.#socket = socket;
    const decoder = new FrameDecoder();
    socket.on("data", (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) this.#settle(frame.streamId, frame.data);
    });
    socket.on("close", () => this.#failAll(new Error("ttrpc connection closed")));
  }

  /** Connects to a unix socket path. */
  static connect(path: string): Promise<TtrpcClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(path, () => {
        socket.off("error", reject);
        socket.on("error", () => undefined);
        resolve(new TtrpcClient(socket));
      });
      socket.once("error", reject);
    });
  }

  call(service: string, method: string, payload: Uint8Array): Promise<Uint8Array> {
    const streamId = this.#nextStream;
    this.#nextStream += 2;
    const data = encode(TtrpcRequest, { service, method, payload });
    return new Promise((resolve, reject) => {
      this.#pending.set(streamId, { resolve, reject });
      this.#socket.write(encodeFrame({ streamId, type: FrameType.request, flags: 0, data }));
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #settle(streamId: number, data: Uint8Array): void {
    const pending = this.#pending.get(streamId);
    if (pending === undefined) return;
    this.#pending.delete(streamId);
    const response = decode(TtrpcResponse, data);
    if (response.status !== undefined && response.status.code !== 0) {
      pending.reject(new TtrpcStatusError(response.status.code, response.status.message));
    } else {
      pending.resolve(response.payload);
    }
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
