/**
 * Reads the top-level imports and exports of a WebAssembly component binary without compiling it: the
 * names (`wasi:http/types@0.2.3`) and kinds the load-time checks need, in microseconds, before any
 * transpiling. Only the outermost component's import and export sections are decoded; every other
 * section is skipped by its length. Pure; throws `MalformedComponent` on bytes it cannot read.
 */

export type ExternKind = "core-module" | "func" | "value" | "type" | "component" | "instance";

export interface ComponentItem {
  readonly name: string;
  readonly kind: ExternKind;
}

export interface ComponentSurface {
  readonly imports: readonly ComponentItem[];
  readonly exports: readonly ComponentItem[];
}

export class MalformedComponent extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedComponent";
  }
}

const KINDS: readonly ExternKind[] = ["core-module", "func", "value", "type", "component", "instance"];
const SECTION_IMPORT = 10;
const SECTION_EXPORT = 11;

class Reader {
  readonly #bytes: Uint8Array;
  offset: number;
  constructor(bytes: Uint8Array, offset: number) {
    this.#bytes = bytes;
    this.offset = offset;
  }

  get done(): boolean {
    return this.offset >= this.#bytes.length;
  }

  byte(): number {
    const b = this.#bytes[this.offset++];
    if (b === undefined) throw new MalformedComponent("unexpected end of the binary");
    return b;
  }

  /** An unsigned (or, read as unsigned, a one-byte signed) LEB128 up to 32 bits. */
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new MalformedComponent("integer too long");
  }

  name(): string {
    const length = this.u32();
    const end = this.offset + length;
    if (end > this.#bytes.length) throw new MalformedComponent("name runs past the end of the binary");
    const text = new TextDecoder("utf-8", { fatal: true }).decode(this.#bytes.subarray(this.offset, end));
    this.offset = end;
    return text;
  }
}

function readKind(reader: Reader): ExternKind {
  const sort = reader.byte();
  if (sort === 0x00) reader.byte(); // core sort: only core modules appear at this level
  const kind = KINDS[sort];
  if (kind === undefined) throw new MalformedComponent(`unknown item kind 0x${sort.toString(16)}`);
  return kind;
}

/** Skips the type bound that follows an extern descriptor's kind. */
function skipDescriptor(reader: Reader, kind: ExternKind): void {
  if (kind === "value" || kind === "type") {
    if (reader.byte() === 0x01 && kind === "type") return; // `sub resource`
  }
  reader.u32();
}

function readImportName(reader: Reader): string {
  const form = reader.byte();
  if (form !== 0x00 && form !== 0x01)
    throw new MalformedComponent(`unknown name form 0x${form.toString(16)}`);
  return reader.name();
}

function readImports(reader: Reader, into: ComponentItem[]): void {
  for (let count = reader.u32(); count > 0; count--) {
    const name = readImportName(reader);
    const kind = readKind(reader);
    skipDescriptor(reader, kind);
    into.push({ name, kind });
  }
}

function readExports(reader: Reader, into: ComponentItem[]): void {
  for (let count = reader.u32(); count > 0; count--) {
    const name = readImportName(reader);
    const kind = readKind(reader);
    reader.u32(); // the exported item's index
    if (reader.byte() === 0x01) skipDescriptor(reader, readKind(reader));
    into.push({ name, kind });
  }
}

/** Whether `bytes` start with the component preamble (layer 1). */
export function isComponent(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[6] === 0x01 && bytes[7] === 0x00;
}

export function inspectComponent(bytes: Uint8Array): ComponentSurface {
  if (!isComponent(bytes)) throw new MalformedComponent("not a WebAssembly component (wrong preamble)");
  const imports: ComponentItem[] = [];
  const exports: ComponentItem[] = [];
  const reader = new Reader(bytes, 8);
  while (!reader.done) {
    const id = reader.byte();
    const size = reader.u32();
    const end = reader.offset + size;
    if (end > bytes.length) throw new MalformedComponent(`section ${id} runs past the end of the binary`);
    if (id === SECTION_IMPORT) readImports(new Reader(bytes.subarray(0, end), reader.offset), imports);
    if (id === SECTION_EXPORT) readExports(new Reader(bytes.subarray(0, end), reader.offset), exports);
    reader.offset = end;
  }
  return { imports, exports };
}
