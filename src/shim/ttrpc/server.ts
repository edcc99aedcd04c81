/**
 * A unary ttrpc server on a unix socket: reads Request frames, calls the handler registered for
 * `service/method` with the request's protobuf payload, and writes one Response frame on the same stream
 * id — the payload on success, a status (see `status.ts`) on failure. Requests on one connection run
 * concurrently, as containerd expects (a `Wait` stays pending while `Kill` arrives). A connection that
 * sends a malformed frame is closed; other connections are unaffected.
 */
import { createServer, type Server, type Socket } from "node:net";
import { decode, encode } from "../proto/codec.ts";
import { TtrpcRequest, TtrpcResponse } from "../proto/messages.ts";
import { encodeFrame, FrameDecoder, FrameType } from "./frame.ts";
import { ShimError, statusOf } from "./status.ts";

/** Handles one call: the request payload in, the response payload out. */
export type Handler = (payload: Uint8Array) => Promise<Uint8Array>;

/** Handlers keyed by method name, for one fully qualified service such as `containerd.task.v2.Task`. */
export type Service = ReadonlyMap<string, Handler>;

export class TtrpcServer {
  readonly #services = new Map<string, Service>();
  readonly #sockets = new Set<Socket>();
  readonly #server: Server;
  #accepted = 0;

  constructor() {
    this.#server = createServer((socket) => this.#accept(socket));
  }

  register(name: string, service: Service): void {
    this.#services.set(name, service);
  }

  /** Listens on `path` (a unix socket) or on an already-listening socket passed as `{ fd }`. */
  listen(target: string | { fd: number }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      const ready = () => {
        this.#server.off("error", reject);
        resolve();
      };
      if (typeof target === "string") this.#server.listen(target, ready);
      else this.#server.listen(target, ready);
    });
  }

  /** How many clients are connected. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** How many connections have been accepted since the server started, closed ones included. */
  get accepted(): number {
    return this.#accepted;
  }

  /** Stops accepting, ends open connections and resolves once the listener is closed. */
  close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #accept(socket: Socket): void {
    this.#accepted++;
    this.#sockets.add(socket);
    socket.on("close", () => this.#sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    const decoder = new FrameDecoder();
    socket.on("data", (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) {
          if (frame.type === FrameType.request) void this.#call(socket, frame.streamId, frame.data);
        }
      } catch {
        socket.destroy();
      }
    });
  }

  async #call(socket: Socket, streamId: number, data: Uint8Array): Promise<void> {
    let response: Uint8Array;
    try {
      const request = decode(TtrpcRequest, data);
      const payload = await this.#handler(request.service, request.method)(request.payload);
      response = encode(TtrpcResponse, { payload });
    } catch (error) {
      response = encode(TtrpcResponse, { status: { ...statusOf(error), details: [] } });
    }
    if (!socket.destroyed)
      socket.write(encodeFrame({ streamId, type: FrameType.response, flags: 0, data: response }));
  }

  #handler(service: string, method: string): Handler {
    const handler = this.#services.get(service)?.get(method);
    if (handler === undefined) {
      const what = this.#services.has(service) ? `method ${method}` : `service ${service}`;
      throw new ShimError("unimplemented", `${what} not implemented`);
    }
    return handler;
  }
}
