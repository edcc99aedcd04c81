/**
 * The gzip-compressed tar files of Spin's "archive" layers (`application/vnd.wasm.content.bundle.v1.tar+gzip`,
 * one per component's files): packing writes deterministic POSIX ustar entries (mtime 0, root-owned, mode
 * 0644, a pax `path` record for names ustar cannot hold), so the same files always give the same digest;
 * unpacking reads the regular files of any ustar/pax/GNU tar and skips directories and links. Pure, in
 * memory; what comes from a registry is untrusted, so sizes are capped and every header is checked.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { SpindleError } from "../errors.ts";

export interface TarEntry {
  /** Relative path with `/` separators. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

const BLOCK = 512;
/** Unpacked archives larger than this are refused (a gzip bomb must not fill the machine). */
export const MAX_UNPACKED_BYTES = 2 * 1024 ** 3;

export function packTarGz(entries: readonly TarEntry[]): Uint8Array<ArrayBuffer> {
  const blocks: Uint8Array[] = [];
  for (const entry of entries) {
    const name = Buffer.from(entry.path, "utf8");
    if (name.length > 100) {
      const record = paxRecord("path", entry.path);
      blocks.push(header("././@PaxHeader", record.length, "x"), padded(record));
    }
    blocks.push(
      header(
        name.length > 100 ? name.subarray(0, 100).toString("latin1") : entry.path,
        entry.bytes.length,
        "0",
      ),
    );
    blocks.push(padded(entry.bytes));
  }
  blocks.push(new Uint8Array(BLOCK * 2));
  return new Uint8Array(gzipSync(Buffer.concat(blocks)));
}

export function unpackTarGz(archive: Uint8Array, what: string): TarEntry[] {
  const tar = gunzip(archive, what);
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const block = tar.subarray(offset, offset + BLOCK);
    if (block.every((byte) => byte === 0)) break;
    checkChecksum(block, what);
    const size = readSize(block, what);
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    if (body.length < size) throw broken(what, "an entry runs past the end of the archive");
    const type = String.fromCharCode(block[156] ?? 0);
    if (type === "x" || type === "L") {
      longName = type === "L" ? cString(body) : (paxPath(body) ?? longName);
    } else {
      if (type === "0" || type === "\0")
        entries.push({ path: stripDot(longName ?? ustarName(block)), bytes: body });
      longName = undefined;
    }
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  return entries;
}

function gunzip(archive: Uint8Array, what: string): Buffer {
  try {
    return gunzipSync(archive, { maxOutputLength: MAX_UNPACKED_BYTES });
  } catch (cause) {
    throw broken(what, `not a readable gzip stream (${(cause as Error).message})`);
  }
}

function header(name: string, size: number, type: string): Uint8Array {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, "utf8");
  block.write("0000644\0", 100, "ascii");
  block.write("0000000\0", 108, "ascii");
  block.write("0000000\0", 116, "ascii");
  block.write(size.toString(8).padStart(11, "0") + "\0", 124, "ascii");
  block.write("00000000000\0", 136, "ascii");
  block.write("        ", 148, "ascii");
  block.write(type, 156, "ascii");
  block.write("ustar\0" + "00", 257, "ascii");
  const sum = block.reduce((total, byte) => total + byte, 0);
  block.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
  return block;
}

function padded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.length / BLOCK) * BLOCK);
  out.set(bytes);
  return out;
}

/** A pax extended-header record: `<length> <key>=<value>\n`, the length counting itself. */
function paxRecord(key: string, value: string): Uint8Array {
  const rest = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(rest) + 1;
  while (String(length).length + Buffer.byteLength(rest) !== length) length++;
  return Buffer.from(`${length}${rest}`, "utf8");
}

function paxPath(body: Uint8Array): string | undefined {
  for (const line of Buffer.from(body).toString("utf8").split("\n")) {
    const match = /^\d+ path=(.*)$/s.exec(line);
    if (match !== null) return match[1];
  }
  return undefined;
}

function ustarName(block: Uint8Array): string {
  const name = cString(block.subarray(0, 100));
  const magic = Buffer.from(block.subarray(257, 262)).toString("latin1");
  const prefix = magic === "ustar" ? cString(block.subarray(345, 500)) : "";
  return prefix === "" ? name : `${prefix}/${name}`;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString("utf8");
}

function stripDot(path: string): string {
  return path.replace(/^(\.\/)+/, "");
}

function readSize(block: Uint8Array, what: string): number {
  const field = block.subarray(124, 136);
  // GNU base-256: the high bit of the first byte set, the rest a big-endian number.
  if (((field[0] ?? 0) & 0x80) !== 0) {
    return field.subarray(1).reduce((total, byte) => total * 256 + byte, (field[0] ?? 0) & 0x7f);
  }
  const text = cString(field).trim();
  if (!/^[0-7]*$/.test(text)) throw broken(what, `an entry has size field ${JSON.stringify(text)}`);
  return text === "" ? 0 : parseInt(text, 8);
}

function checkChecksum(block: Uint8Array, what: string): void {
  const stored = parseInt(cString(block.subarray(148, 156)).trim(), 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
  if (stored !== sum) throw broken(what, "a header's checksum does not match");
}

function broken(what: string, problem: string): SpindleError {
  return new SpindleError(`${what} is not a valid tar.gz archive: ${problem}`, {
    hint: "push the app again; if it persists, the registry's copy is damaged",
  });
}
