/**
 * A small protobuf codec driven by plain schema objects: each message is a record of field name →
 * `[field number, kind]`, and `decode`/`encode` turn bytes into typed objects and back with
 * `@bufbuild/protobuf`'s wire reader and writer. The shim speaks a few dozen flat containerd messages;
 * declaring them as data keeps each one a line next to its `.proto` definition, with no generated code to
 * regenerate. proto3 semantics: absent fields decode to their zero value, zero values are not written,
 * unknown fields are skipped.
 */
import { BinaryReader, BinaryWriter, WireType } from "@bufbuild/protobuf/wire";

type ScalarKind = "string" | "uint32" | "int32" | "int64" | "uint64" | "bool" | "bytes" | "strings";
export type Kind = ScalarKind | { readonly message: Schema } | { readonly repeated: Schema };
export type Schema = { readonly [name: string]: readonly [number, Kind] };

type ScalarValue<K> = K extends "string"
  ? string
  : K extends "uint32" | "int32"
    ? number
    : K extends "int64" | "uint64"
      ? bigint
      : K extends "bool"
        ? boolean
        : K extends "bytes"
          ? Uint8Array
          : K extends "strings"
            ? string[]
            : never;
type ValueOf<K> = K extends { readonly message: infer S extends Schema }
  ? Message<S> | undefined
  : K extends { readonly repeated: infer S extends Schema }
    ? Message<S>[]
    : ScalarValue<K>;

/** The decoded form of a message: every field present, zero values for absent ones. */
export type Message<S extends Schema> = { -readonly [F in keyof S]: ValueOf<S[F][1]> };
type InitValueOf<K> = K extends { readonly message: infer S extends Schema }
  ? MessageInit<S> | undefined
  : K extends { readonly repeated: infer S extends Schema }
    ? readonly MessageInit<S>[]
    : ScalarValue<K>;
/** What `encode` takes: any subset of the fields, nested messages too; missing ones are the zero value. */
export type MessageInit<S extends Schema> = { readonly [F in keyof S]?: InitValueOf<S[F][1]> | undefined };

const LENGTH_DELIMITED: ReadonlySet<string> = new Set(["string", "bytes", "strings"]);

function wireTypeOf(kind: Kind): WireType {
  return typeof kind === "object" || LENGTH_DELIMITED.has(kind) ? WireType.LengthDelimited : WireType.Varint;
}

function zeroOf(kind: Kind): unknown {
  if (typeof kind === "object") return "repeated" in kind ? [] : undefined;
  const zeros: Record<ScalarKind, () => unknown> = {
    string: () => "",
    uint32: () => 0,
    int32: () => 0,
    int64: () => 0n,
    uint64: () => 0n,
    bool: () => false,
    bytes: () => new Uint8Array(0),
    strings: () => [],
  };
  return zeros[kind]();
}

export function decode<S extends Schema>(schema: S, bytes: Uint8Array): Message<S> {
  return decodeFrom(schema, new BinaryReader(bytes), bytes.length);
}

function decodeFrom<S extends Schema>(schema: S, reader: BinaryReader, length: number): Message<S> {
  const out: Record<string, unknown> = {};
  const byNumber = new Map<number, [string, Kind]>();
  for (const [name, [no, kind]] of Object.entries(schema)) {
    out[name] = zeroOf(kind);
    byNumber.set(no, [name, kind]);
  }
  const end = reader.pos + length;
  while (reader.pos < end) {
    const [no, wireType] = reader.tag();
    const field = byNumber.get(no);
    if (field === undefined || wireTypeOf(field[1]) !== wireType) reader.skip(wireType, no);
    else readField(reader, out, field);
  }
  return out as Message<S>;
}

function readField(reader: BinaryReader, out: Record<string, unknown>, [name, kind]: [string, Kind]): void {
  if (typeof kind === "object") {
    const schema = "message" in kind ? kind.message : kind.repeated;
    const value = decodeFrom(schema, reader, reader.uint32());
    if ("message" in kind) out[name] = value;
    else (out[name] as unknown[]).push(value);
    return;
  }
  const readers: Record<ScalarKind, () => unknown> = {
    string: () => reader.string(),
    uint32: () => reader.uint32(),
    int32: () => reader.int32(),
    int64: () => BigInt(reader.int64()),
    uint64: () => BigInt(reader.uint64()),
    bool: () => reader.bool(),
    bytes: () => reader.bytes(),
    strings: () => [...(out[name] as string[]), reader.string()],
  };
  out[name] = readers[kind]();
}

export function encode<S extends Schema>(schema: S, message: MessageInit<S>): Uint8Array {
  const writer = new BinaryWriter();
  encodeInto(schema, message, writer);
  return writer.finish();
}

function encodeInto(schema: Schema, message: Readonly<Record<string, unknown>>, writer: BinaryWriter): void {
  for (const [name, [no, kind]] of Object.entries(schema)) {
    const value = message[name];
    if (value !== undefined) writeField(writer, no, kind, value);
  }
}

function writeField(writer: BinaryWriter, no: number, kind: Kind, value: unknown): void {
  if (typeof kind === "object") {
    const items = "message" in kind ? [value] : (value as unknown[]);
    const schema = "message" in kind ? kind.message : kind.repeated;
    for (const item of items) {
      writer.tag(no, WireType.LengthDelimited).fork();
      encodeInto(schema, item as Record<string, unknown>, writer);
      writer.join();
    }
    return;
  }
  if (kind === "strings") {
    for (const item of value as string[]) writer.tag(no, WireType.LengthDelimited).string(item);
    return;
  }
  writeScalar(writer, no, kind, value);
}

function writeScalar(writer: BinaryWriter, no: number, kind: Exclude<ScalarKind, "strings">, value: unknown) {
  if (isZero(value)) return;
  const writers: Record<typeof kind, () => unknown> = {
    string: () => writer.tag(no, WireType.LengthDelimited).string(value as string),
    uint32: () => writer.tag(no, WireType.Varint).uint32(value as number),
    int32: () => writer.tag(no, WireType.Varint).int32(value as number),
    int64: () => writer.tag(no, WireType.Varint).int64(value as bigint),
    uint64: () => writer.tag(no, WireType.Varint).uint64(value as bigint),
    bool: () => writer.tag(no, WireType.Varint).bool(value as boolean),
    bytes: () => writer.tag(no, WireType.LengthDelimited).bytes(value as Uint8Array),
  };
  writers[kind]();
}

function isZero(value: unknown): boolean {
  if (value instanceof Uint8Array) return value.length === 0;
  return value === "" || value === 0 || value === 0n || value === false;
}
