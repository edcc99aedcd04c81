/**
 * Typed access to a guest's linear memory for the preview 1 host: little-endian integer stores, strings,
 * and the scatter/gather of iovec lists. One per run; it re-reads `memory.buffer` after the guest grows its
 * memory, because growing detaches the old ArrayBuffer. A pointer outside the memory throws a RangeError,
 * which traps the guest: a guest handing the host wild pointers is broken, and a trap ends its request.
 */
import { Size } from "./abi.ts";

const decoder = new TextDecoder("utf-8", { fatal: true });

export class GuestMemory {
  readonly #memory: WebAssembly.Memory;
  #buffer: ArrayBuffer | undefined;
  #view = new DataView(new ArrayBuffer(0));
  #bytes = new Uint8Array(0);

  constructor(memory: WebAssembly.Memory) {
    this.#memory = memory;
  }

  get view(): DataView {
    this.#refresh();
    return this.#view;
  }

  get bytes(): Uint8Array {
    this.#refresh();
    return this.#bytes;
  }

  u8(ptr: number, value: number): void {
    this.view.setUint8(ptr, value);
  }

  u16(ptr: number, value: number): void {
    this.view.setUint16(ptr, value, true);
  }

  u32(ptr: number, value: number): void {
    this.view.setUint32(ptr, value, true);
  }

  u64(ptr: number, value: bigint): void {
    this.view.setBigUint64(ptr, value, true);
  }

  readU32(ptr: number): number {
    return this.view.getUint32(ptr, true);
  }

  readU64(ptr: number): bigint {
    return this.view.getBigUint64(ptr, true);
  }

  /** Decodes `len` bytes at `ptr` as UTF-8; `undefined` when they are not valid UTF-8. */
  string(ptr: number, len: number): string | undefined {
    try {
      return decoder.decode(this.bytes.subarray(ptr, ptr + len));
    } catch {
      return undefined;
    }
  }

  /** Copies the bytes named by an iovec list into one fresh array (the guest may reuse its buffers). */
  gather(iovs: number, count: number): Uint8Array {
    const spans = this.#spans(iovs, count);
    const total = spans.reduce((sum, [, len]) => sum + len, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const [ptr, len] of spans) {
      out.set(this.bytes.subarray(ptr, ptr + len), at);
      at += len;
    }
    return out;
  }

  /**
   * Offers each iovec's region of guest memory to `fill`, which writes into it and returns how many bytes
   * it wrote; stops after a short fill. Returns the total.
   */
  scatter(iovs: number, count: number, fill: (target: Uint8Array) => number): number {
    let total = 0;
    for (const [ptr, len] of this.#spans(iovs, count)) {
      const n = fill(this.bytes.subarray(ptr, ptr + len));
      total += n;
      if (n < len) break;
    }
    return total;
  }

  #spans(iovs: number, count: number): [ptr: number, len: number][] {
    const spans: [number, number][] = [];
    for (let i = 0; i < count; i++) {
      const at = iovs + i * Size.IOVEC;
      const ptr = this.readU32(at);
      const len = this.readU32(at + 4);
      if (ptr + len > this.bytes.length) throw new RangeError("iovec outside guest memory");
      spans.push([ptr, len]);
    }
    return spans;
  }

  #refresh(): void {
    const buffer = this.#memory.buffer;
    if (buffer === this.#buffer) return;
    this.#buffer = buffer;
    this.#view = new DataView(buffer);
    this.#bytes = new Uint8Array(buffer);
  }
}
