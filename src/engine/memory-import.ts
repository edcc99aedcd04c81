/**
 * Turns the one linear memory a core module defines into one it imports, so that the engine can hand each
 * new instance a memory of its choosing (memory-recycler.ts) instead of V8 allocating a fresh one: the
 * memory section goes, and an import `spindle:engine.memory` with the same limits joins the import
 * section. Nothing else moves: the memory keeps index 0 (the module imported none before), function and
 * other indices do not depend on memory imports, exports of the memory now re-export the import, and the
 * active data segments still initialise it at instantiation, so a zeroed memory of the declared initial
 * size gives exactly the state a fresh one would. Modules this cannot apply to exactly (no memory or
 * several, an imported memory, a shared or 64-bit memory) are left alone. Pure; runs once per module,
 * before compilation.
 */
import {
  concat,
  encodeName,
  encodeU32,
  HEADER_BYTES,
  lebLength,
  readU32,
  SECTION,
  sections,
  type Section,
} from "./wasm-binary.ts";

/** Where the rewritten module imports its memory from. */
export const MEMORY_IMPORT = { module: "spindle:engine", name: "memory" } as const;

const IMPORT_KIND = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;
const LIMITS_HAS_MAX = 0x01;

export interface ImportedMemoryModule {
  /** The rewritten module. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** The limits the memory was defined with, for `new WebAssembly.Memory`. */
  readonly memory: WebAssembly.MemoryDescriptor;
}

/** The module with its memory imported, or undefined when the module is not one this applies to. */
export function importDefinedMemory(bytes: Uint8Array): ImportedMemoryModule | undefined {
  const all = sections(bytes);
  const memorySection = all.find((section) => section.id === SECTION.memory);
  if (memorySection === undefined) return undefined;
  const memory = singleMemory(bytes.subarray(memorySection.contentStart, memorySection.end));
  if (memory === undefined) return undefined;
  const imports = all.find((section) => section.id === SECTION.import);
  if (imports !== undefined && importsMemory(bytes.subarray(imports.contentStart, imports.end)))
    return undefined;
  const entry = [
    ...encodeName(MEMORY_IMPORT.module),
    ...encodeName(MEMORY_IMPORT.name),
    IMPORT_KIND.memory,
    ...memory.limits,
  ];
  const importSection = withEntry(bytes, imports, entry);
  const parts: (Uint8Array | readonly number[])[] = [bytes.subarray(0, HEADER_BYTES)];
  let placed = false;
  for (const section of all) {
    if (!placed && section.id !== SECTION.custom && section.id !== SECTION.type) {
      parts.push(importSection);
      placed = true;
    }
    if (section.id === SECTION.import || section.id === SECTION.memory) continue;
    parts.push(bytes.subarray(section.start, section.end));
  }
  return { bytes: concat(parts), memory: memory.descriptor };
}

interface DefinedMemory {
  /** The limits exactly as encoded: flags, initial and maybe maximum pages. */
  readonly limits: Uint8Array;
  readonly descriptor: WebAssembly.MemoryDescriptor;
}

/** The memory section's only memory, when it has exactly one plain 32-bit unshared memory. */
function singleMemory(content: Uint8Array): DefinedMemory | undefined {
  const count = readU32(content, 0);
  if (count.value !== 1) return undefined;
  const limitsStart = count.length;
  const flags = content[limitsStart] as number;
  if ((flags & ~LIMITS_HAS_MAX) !== 0) return undefined;
  const initial = readU32(content, limitsStart + 1);
  let limitsEnd = limitsStart + 1 + initial.length;
  let maximum: number | undefined;
  if ((flags & LIMITS_HAS_MAX) !== 0) {
    const max = readU32(content, limitsEnd);
    maximum = max.value;
    limitsEnd += max.length;
  }
  const descriptor = maximum === undefined ? { initial: initial.value } : { initial: initial.value, maximum };
  return { limits: content.subarray(limitsStart, limitsEnd), descriptor };
}

/** Whether any entry of an import section is a memory. */
function importsMemory(content: Uint8Array): boolean {
  const count = readU32(content, 0);
  let offset = count.length;
  for (let i = 0; i < count.value; i++) {
    offset = skipName(content, skipName(content, offset));
    const kind = content[offset++] as number;
    if (kind === IMPORT_KIND.memory) return true;
    offset = skipDescription(content, kind, offset);
  }
  return false;
}

function skipName(content: Uint8Array, offset: number): number {
  const length = readU32(content, offset);
  return offset + length.length + length.value;
}

function skipDescription(content: Uint8Array, kind: number, offset: number): number {
  switch (kind) {
    case IMPORT_KIND.func:
      return offset + lebLength(content, offset);
    case IMPORT_KIND.table:
      return skipLimits(content, offset + 1);
    case IMPORT_KIND.global:
      return offset + 2;
    case IMPORT_KIND.tag:
      return offset + 1 + lebLength(content, offset + 1);
    default:
      throw new Error(`malformed WebAssembly: unknown import kind ${kind}`);
  }
}

function skipLimits(content: Uint8Array, offset: number): number {
  const flags = content[offset] as number;
  let next = offset + 1;
  next += lebLength(content, next);
  if ((flags & LIMITS_HAS_MAX) !== 0) next += lebLength(content, next);
  return next;
}

/** The import section with `entry` appended (a new section holding only `entry` when there was none). */
function withEntry(bytes: Uint8Array, imports: Section | undefined, entry: readonly number[]): Uint8Array {
  const count = imports === undefined ? { value: 0, length: 0 } : readU32(bytes, imports.contentStart);
  const existing =
    imports === undefined
      ? new Uint8Array()
      : bytes.subarray(imports.contentStart + count.length, imports.end);
  const content = concat([encodeU32(count.value + 1), existing, entry]);
  return concat([[SECTION.import], encodeU32(content.length), content]);
}
