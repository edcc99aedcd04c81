/**
 * The preview 1 calls about a descriptor rather than its bytes: close, renumber, `fdstat`, `filestat`,
 * advice and sync. Changing a file's size or times is refused, because the tree is read-only; sync and
 * advice succeed since there is nothing to flush.
 */
import { DIRECTORY_RIGHTS, Errno, FILE_RIGHTS, Fdflags, Filetype, Rights } from "./abi.ts";
import type { RunContext } from "./context.ts";
import type { Descriptor } from "./descriptors.ts";
import { writeFilestat } from "./filestat.ts";

interface Fdstat {
  readonly filetype: number;
  readonly base: bigint;
  readonly inheriting: bigint;
}

/**
 * Directories report every right as inheritable: wasi-libc derives the rights it asks `path_open` for from
 * them, so a write-mode open reaches `path_open` asking for write rights and is refused there, instead of
 * quietly opening a descriptor that cannot write.
 */
function fdstatOf(d: Descriptor): Fdstat {
  switch (d.kind) {
    case "input":
      return { filetype: Filetype.UNKNOWN, base: Rights.FD_READ | Rights.POLL_FD_READWRITE, inheriting: 0n };
    case "output":
      return { filetype: Filetype.UNKNOWN, base: Rights.FD_WRITE | Rights.POLL_FD_READWRITE, inheriting: 0n };
    case "file":
      return { filetype: Filetype.REGULAR_FILE, base: FILE_RIGHTS, inheriting: 0n };
    case "directory":
      return { filetype: Filetype.DIRECTORY, base: DIRECTORY_RIGHTS, inheriting: Rights.ALL };
  }
}

export function fdMetaCalls({ memory, fds }: RunContext) {
  const ifOpen = (fd: number, errno: number): number => (fds.get(fd) === undefined ? Errno.BADF : errno);

  return {
    fd_close: (fd: number) => (fds.close(fd) ? Errno.SUCCESS : Errno.BADF),
    fd_renumber: (from: number, to: number) => (fds.renumber(from, to) ? Errno.SUCCESS : Errno.BADF),
    fd_fdstat_get(fd: number, ptr: number): number {
      const d = fds.get(fd);
      if (d === undefined) return Errno.BADF;
      const stat = fdstatOf(d);
      const mem = memory();
      mem.u8(ptr, stat.filetype);
      mem.u8(ptr + 1, 0);
      mem.u16(ptr + 2, d.flags);
      mem.u32(ptr + 4, 0);
      mem.u64(ptr + 8, stat.base);
      mem.u64(ptr + 16, stat.inheriting);
      return Errno.SUCCESS;
    },
    fd_fdstat_set_flags(fd: number, flags: number): number {
      const d = fds.get(fd);
      if (d === undefined) return Errno.BADF;
      if ((flags & Fdflags.APPEND) !== 0 && d.kind === "file") return Errno.PERM;
      d.flags = flags;
      return Errno.SUCCESS;
    },
    fd_fdstat_set_rights: (fd: number) => ifOpen(fd, Errno.NOTSUP),
    fd_filestat_get(fd: number, ptr: number): number {
      const d = fds.get(fd);
      if (d === undefined) return Errno.BADF;
      if (d.kind === "file") return writeFilestat(memory(), ptr, d.node, d.hostFd);
      return writeFilestat(memory(), ptr, d.kind === "directory" ? d.node : undefined);
    },
    /* A descriptor opened read-only cannot grow or shrink its file: POSIX says EBADF. */
    fd_allocate: (fd: number) => ifOpen(fd, Errno.BADF),
    fd_filestat_set_size: (fd: number) => ifOpen(fd, Errno.BADF),
    fd_filestat_set_times: (fd: number) => ifOpen(fd, Errno.PERM),
    fd_advise(fd: number): number {
      const kind = fds.get(fd)?.kind;
      if (kind === "file") return Errno.SUCCESS;
      return kind === "input" || kind === "output" ? Errno.SPIPE : Errno.BADF;
    },
    fd_sync: (fd: number) => ifOpen(fd, Errno.SUCCESS),
    fd_datasync: (fd: number) => ifOpen(fd, Errno.SUCCESS),
  };
}
