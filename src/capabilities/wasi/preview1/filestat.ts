/**
 * Fills the preview 1 `filestat` struct for a tree node or a stream. Files report their host size and
 * times but the tree's own inode numbers and device 0, so a guest learns nothing about the host's layout;
 * directories exist only in the tree and report size 0 and time 0.
 */
import { Errno, Filetype } from "./abi.ts";
import type { TreeNode } from "./file-tree.ts";
import { statHostFd, statHostPath } from "./host-files.ts";
import type { GuestMemory } from "./memory.ts";

interface Filestat {
  readonly ino: bigint;
  readonly filetype: number;
  readonly size: bigint;
  readonly atim: bigint;
  readonly mtim: bigint;
  readonly ctim: bigint;
}

const STREAM: Filestat = { ino: 0n, filetype: Filetype.UNKNOWN, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };

/** Writes the stat of a node (or of a stream when `node` is undefined); `hostFd` avoids a path lookup. */
export function writeFilestat(memory: GuestMemory, ptr: number, node?: TreeNode, hostFd?: number): number {
  const stat = node === undefined ? STREAM : filestatOf(node, hostFd);
  if (typeof stat === "number") return stat;
  memory.u64(ptr, 0n);
  memory.u64(ptr + 8, stat.ino);
  memory.u8(ptr + 16, stat.filetype);
  memory.u64(ptr + 24, 1n);
  memory.u64(ptr + 32, stat.size);
  memory.u64(ptr + 40, stat.atim);
  memory.u64(ptr + 48, stat.mtim);
  memory.u64(ptr + 56, stat.ctim);
  return Errno.SUCCESS;
}

function filestatOf(node: TreeNode, hostFd: number | undefined): Filestat | number {
  if (node.kind === "directory") return { ...STREAM, ino: node.ino, filetype: Filetype.DIRECTORY };
  const host = hostFd === undefined ? statHostPath(node.hostPath) : statHostFd(hostFd);
  if (typeof host === "number") return host;
  return {
    ino: node.ino,
    filetype: Filetype.REGULAR_FILE,
    size: host.size,
    atim: host.atimeNs,
    mtim: host.mtimeNs,
    ctim: host.ctimeNs,
  };
}
