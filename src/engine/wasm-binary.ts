/**
 * The few pieces of the WebAssembly binary format the engine's module rewrites need (memory-limit.ts,
 * memory-import.ts): walking the top-level sections of a core module, LEB128 numbers and byte assembly.
 * Malformed input throws a plain `Error`; callers turn it into a `SpindleError` naming the component.
 */

export const HEADER_BYTES = 8;

export const SECTION = {
  custom: 0,
  type: 1,
  import: 2,
  memory: 5,
} as const;

export interface Section {
  readonly id: number;
  /** Where the section starts (its id byte). */
  readonly start: number;
  /** Where its content starts and ends. */
  readonly contentStart: number;
  readonly end: number;
}

/** The top-level sections of a core module, in binary order. */
export function sections(bytes: Uint8Array): Section[] {
  const found: Section[] = [];
  let offset = HEADER_BYTES;
  while (offset < bytes.length) {
    const size = readU32(bytes, offset + 1);
    const contentStart = offset + 1 + size.length;
    const end = contentStart + size.value;
    if (end > bytes.length) throw new Error("malformed WebAssembly: a section runs past the end");
    found.push({ id: bytes[offset] as number, start: offset, contentStart, end });
    offset = end;
  }
  return found;
}

/** An unsigned LEB128 number of up to 32 bits at `start`, and how many bytes it took. */
export function readU32(bytes: Uint8Array, start: number): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const byte = bytes[start + i];
    if (byte === undefined) break;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
  }
  throw new Error("malformed WebAssembly: bad LEB128 number");
}

/** How many bytes the LEB128 number (of any width) at `start` takes. */
export function lebLength(bytes: Uint8Array, start: number): number {
  for (let i = 0; i < 10; i++) {
    const byte = bytes[start + i];
    if (byte === undefined) break;
    if ((byte & 0x80) === 0) return i + 1;
  }
  throw new Error("malformed WebAssembly: bad LEB128 number");
}

export function encodeU32(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    out.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return out;
}

/** A name as the binary format writes it: its UTF-8 length, then the bytes. */
export function encodeName(name: string): number[] {
  const utf8 = new TextEncoder().encode(name);
  return [...encodeU32(utf8.length), ...utf8];
}

export function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
