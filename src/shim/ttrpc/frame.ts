/**
 * ttrpc's wire framing (containerd/ttrpc `channel.go`): every message is a 10-byte header — data length
 * (u32 big-endian), stream id (u32 BE), message type (u8), flags (u8) — followed by that many bytes of
 * protobuf. `FrameDecoder` reassembles frames from the arbitrary chunks a socket delivers; a frame longer
 * than ttrpc's 4 MiB limit is a protocol error, because a peer that sends one is not speaking ttrpc.
 */
import { SpindleError } from "../../errors.ts";

export const HEADER_LENGTH = 10;
export const MAX_DATA_LENGTH = 4 << 20;

export const FrameType = { request: 1, response: 2, data: 3 } as const;

export interface Frame {
  readonly streamId: number;
  readonly type: number;
  readonly flags: number;
  readonly data: Uint8Array;
}

export class FrameError extends SpindleError {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

export function encodeFrame(frame: Frame): Buffer {
  if (frame.data.length > MAX_DATA_LENGTH) {
    throw new FrameError(
      `ttrpc message of ${frame.data.length} bytes exceeds the ${MAX_DATA_LENGTH} byte limit`,
    );
  }
  const out = Buffer.allocUnsafe(HEADER_LENGTH + frame.data.length);
  out.writeUInt32BE(frame.data.length, 0);
  out.writeUInt32BE(frame.streamId, 4);
  out.writeUInt8(frame.type, 8);
  out.writeUInt8(frame.flags, 9);
  out.set(frame.data, HEADER_LENGTH);
  return out;
}

/** Collects socket chunks and hands out whole frames; one per connection. */
export class FrameDecoder {
  #pending: Buffer[] = [];
  #buffered = 0;

  /** Adds `chunk` and returns every frame it completes, in order. Throws `FrameError` on an oversized frame. */
  push(chunk: Uint8Array): Frame[] {
    this.#pending.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    this.#buffered += chunk.byteLength;
    const frames: Frame[] = [];
    for (let frame = this.#next(); frame !== undefined; frame = this.#next()) frames.push(frame);
    return frames;
  }

  /** Bytes received that do not yet form a whole frame. */
  get buffered(): number {
    return this.#buffered;
  }

  #next(): Frame | undefined {
    if (this.#buffered < HEADER_LENGTH) return undefined;
    const head = this.#take(0);
    const length = head.readUInt32BE(0);
    if (length > MAX_DATA_LENGTH) {
      throw new FrameError(`ttrpc frame of ${length} bytes exceeds the ${MAX_DATA_LENGTH} byte limit`);
    }
    if (this.#buffered < HEADER_LENGTH + length) return undefined;
    const whole = this.#take(HEADER_LENGTH + length);
    return {
      streamId: whole.readUInt32BE(4),
      type: whole.readUInt8(8),
      flags: whole.readUInt8(9),
      data: new Uint8Array(whole.subarray(HEADER_LENGTH)),
    };
  }

  /** Peeks at the header (`count` 0) or removes `count` bytes from the front of the buffer. */
  #take(count: number): Buffer {
    const all = this.#pending.length === 1 ? this.#pending[0]! : Buffer.concat(this.#pending);
    this.#pending = [all];
    if (count === 0) return all;
    const rest = all.subarray(count);
    this.#pending = rest.length > 0 ? [rest] : [];
    this.#buffered = rest.length;
    return all.subarray(0, count);
  }
}
