/**
 * The preview 1 calls that look a path up under a directory descriptor: `path_open`, `path_filestat_get`
 * and `path_readlink`. Opening anything for writing, creating or truncating is refused with EPERM, the
 * answer Spin gives for its read-only file mounts; resolution itself lives in the file tree.
 */
import { Errno, Fdflags, Oflags, WRITE_RIGHTS } from "./abi.ts";
import type { RunContext } from "./context.ts";
import { resolve, type TreeNode } from "./file-tree.ts";
import { writeFilestat } from "./filestat.ts";
import { openHostFile } from "./host-files.ts";

/** A write-mode open: any write right asked for, or a flag that would create, truncate or append. */
function wantsWrite(oflags: number, rights: bigint, fdflags: number): boolean {
  const changing = Oflags.CREAT | Oflags.TRUNC | Oflags.EXCL;
  return (oflags & changing) !== 0 || (rights & WRITE_RIGHTS) !== 0n || (fdflags & Fdflags.APPEND) !== 0;
}

export function pathCalls({ memory, fds }: RunContext) {
  /** The node `path` names under directory descriptor `fd`, or an errno. */
  function lookup(fd: number, pathPtr: number, pathLen: number): TreeNode | number {
    const d = fds.get(fd);
    if (d === undefined) return Errno.BADF;
    if (d.kind !== "directory") return Errno.NOTDIR;
    const path = memory().string(pathPtr, pathLen);
    return path === undefined ? Errno.INVAL : resolve(d.node, path);
  }

  function open(node: TreeNode, oflags: number, fdflags: number): number {
    if (node.kind === "directory")
      return fds.add({ kind: "directory", node, preopen: undefined, flags: fdflags });
    if ((oflags & Oflags.DIRECTORY) !== 0) return -Errno.NOTDIR;
    const hostFd = openHostFile(node.hostPath);
    if (hostFd < 0) return hostFd;
    return fds.add({ kind: "file", node, hostFd, position: 0, flags: fdflags });
  }

  return {
    // eslint-disable-next-line max-params -- the preview 1 ABI fixes this signature
    path_open(
      fd: number,
      _dirflags: number,
      pathPtr: number,
      pathLen: number,
      oflags: number,
      rightsBase: bigint,
      _rightsInheriting: bigint,
      fdflags: number,
      fdPtr: number,
    ): number {
      const node = lookup(fd, pathPtr, pathLen);
      // Creating a missing file is as much a write as changing an existing one.
      if (wantsWrite(oflags, rightsBase, fdflags) && (typeof node !== "number" || node === Errno.NOENT)) {
        return Errno.PERM;
      }
      if (typeof node === "number") return node;
      const opened = open(node, oflags, fdflags);
      if (opened < 0) return -opened;
      memory().u32(fdPtr, opened);
      return Errno.SUCCESS;
    },
    // eslint-disable-next-line max-params -- the preview 1 ABI fixes this signature
    path_filestat_get(fd: number, _flags: number, pathPtr: number, pathLen: number, ptr: number): number {
      const node = lookup(fd, pathPtr, pathLen);
      return typeof node === "number" ? node : writeFilestat(memory(), ptr, node);
    },
    /** The tree holds no symbolic links, so an existing path is "not a link". */
    path_readlink(fd: number, pathPtr: number, pathLen: number): number {
      const node = lookup(fd, pathPtr, pathLen);
      return typeof node === "number" ? node : Errno.INVAL;
    },
  };
}
