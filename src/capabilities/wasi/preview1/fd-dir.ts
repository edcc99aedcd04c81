/**
 * The preview 1 calls that expose directories through descriptors: `fd_prestat_get` and
 * `fd_prestat_dir_name` (how wasi-libc discovers the `/` preopen at startup) and `fd_readdir`.
 */
import { Errno, Filetype, Size } from "./abi.ts";
import type { RunContext } from "./context.ts";
import type { DirectoryNode } from "./file-tree.ts";

const encoder = new TextEncoder();

interface Entry {
  readonly name: Uint8Array;
  readonly ino: bigint;
  readonly filetype: number;
}

/** `.` and `..` first (`..` of the root is the root), then the children in name order. */
function entriesOf(dir: DirectoryNode): Entry[] {
  const entries: Entry[] = [
    { name: encoder.encode("."), ino: dir.ino, filetype: Filetype.DIRECTORY },
    { name: encoder.encode(".."), ino: (dir.parent ?? dir).ino, filetype: Filetype.DIRECTORY },
  ];
  for (const [name, node] of dir.children) {
    const filetype = node.kind === "file" ? Filetype.REGULAR_FILE : Filetype.DIRECTORY;
    entries.push({ name: encoder.encode(name), ino: node.ino, filetype });
  }
  return entries;
}

/** Encodes one dirent header followed by its name. */
function direntBytes(entry: Entry, next: bigint): Uint8Array {
  const bytes = new Uint8Array(Size.DIRENT + entry.name.length);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, next, true);
  view.setBigUint64(8, entry.ino, true);
  view.setUint32(16, entry.name.length, true);
  view.setUint8(20, entry.filetype);
  bytes.set(entry.name, Size.DIRENT);
  return bytes;
}

export function fdDirCalls({ memory, fds }: RunContext) {
  const preopenName = (fd: number): Uint8Array | undefined => {
    const d = fds.get(fd);
    return d?.kind === "directory" && d.preopen !== undefined ? encoder.encode(d.preopen) : undefined;
  };

  return {
    fd_prestat_get(fd: number, ptr: number): number {
      const name = preopenName(fd);
      if (name === undefined) return Errno.BADF;
      memory().u32(ptr, 0);
      memory().u32(ptr + 4, name.length);
      return Errno.SUCCESS;
    },
    fd_prestat_dir_name(fd: number, pathPtr: number, pathLen: number): number {
      const name = preopenName(fd);
      if (name === undefined) return Errno.BADF;
      if (pathLen < name.length) return Errno.NAMETOOLONG;
      memory().bytes.set(name, pathPtr);
      return Errno.SUCCESS;
    },
    /**
     * Fills the buffer with whole entries and, when it runs out, the head of one more; a full buffer
     * tells the guest to call again from the cookie of the last whole entry.
     */
    // eslint-disable-next-line max-params -- the preview 1 ABI fixes this signature
    fd_readdir(fd: number, buf: number, bufLen: number, cookie: bigint, bufUsedPtr: number): number {
      const d = fds.get(fd);
      if (d === undefined) return Errno.BADF;
      if (d.kind !== "directory") return Errno.NOTDIR;
      const entries = entriesOf(d.node);
      const mem = memory();
      let used = 0;
      for (let i = Number(cookie); i < entries.length && used < bufLen; i++) {
        const bytes = direntBytes(entries[i] as Entry, BigInt(i + 1));
        const take = Math.min(bytes.length, bufLen - used);
        mem.bytes.set(bytes.subarray(0, take), buf + used);
        used += take;
      }
      mem.u32(bufUsedPtr, used);
      return Errno.SUCCESS;
    },
  };
}
