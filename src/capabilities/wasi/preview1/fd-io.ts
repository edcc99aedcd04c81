/**
 * The preview 1 byte-moving calls: `fd_read`, `fd_pread`, `fd_write`, `fd_pwrite`, `fd_seek`, `fd_tell`.
 * Streams behave like pipes (no seeking, no positioned I/O); files under the preopen are read-only and
 * keep their own position, since each host read is positioned explicitly.
 */
import { Errno, Whence } from "./abi.ts";
import type { RunContext } from "./context.ts";
import type { InputStream, OpenFile } from "./descriptors.ts";
import { readHostFile, statHostFd } from "./host-files.ts";

interface IovecArgs {
  readonly iovs: number;
  readonly count: number;
  readonly nreadPtr: number;
}

export function fdIoCalls({ memory, fds }: RunContext) {
  function readInto(d: InputStream | OpenFile, iovs: number, count: number, at: number | undefined): number {
    if (d.kind === "input") {
      return memory().scatter(iovs, count, (target) => {
        const chunk = d.data.subarray(d.position, d.position + target.length);
        target.set(chunk);
        d.position += chunk.length;
        return chunk.length;
      });
    }
    let position = at ?? d.position;
    const total = memory().scatter(iovs, count, (target) => {
      const n = readHostFile(d.hostFd, target, position);
      if (n < 0) throw new HostReadError(-n);
      position += n;
      return n;
    });
    if (at === undefined) d.position = position;
    return total;
  }

  /** `fd_read` (`at` undefined) and `fd_pread`: fills the iovecs, stores the byte count at `nreadPtr`. */
  function read(fd: number, iovec: IovecArgs, at?: bigint): number {
    const { iovs, count, nreadPtr } = iovec;
    const d = fds.get(fd);
    if (d === undefined || d.kind === "output") return Errno.BADF;
    if (d.kind === "directory") return Errno.ISDIR;
    if (at !== undefined && d.kind === "input") return Errno.SPIPE;
    try {
      memory().u32(nreadPtr, readInto(d, iovs, count, at === undefined ? undefined : Number(at)));
      return Errno.SUCCESS;
    } catch (error) {
      if (error instanceof HostReadError) return error.errno;
      throw error;
    }
  }

  return {
    fd_read: (fd: number, iovs: number, count: number, nreadPtr: number) =>
      read(fd, { iovs, count, nreadPtr }),
    // eslint-disable-next-line max-params -- the preview 1 ABI fixes this signature
    fd_pread: (fd: number, iovs: number, count: number, offset: bigint, nreadPtr: number) =>
      read(fd, { iovs, count, nreadPtr }, offset),
    fd_write(fd: number, iovs: number, count: number, nwrittenPtr: number): number {
      const d = fds.get(fd);
      if (d?.kind !== "output") return Errno.BADF;
      const bytes = memory().gather(iovs, count);
      if (bytes.length > 0) d.write(bytes);
      memory().u32(nwrittenPtr, bytes.length);
      return Errno.SUCCESS;
    },
    fd_pwrite(fd: number): number {
      return fds.get(fd)?.kind === "output" ? Errno.SPIPE : Errno.BADF;
    },
    fd_seek(fd: number, offset: bigint, whence: number, newOffsetPtr: number): number {
      const d = fds.get(fd);
      if (d?.kind !== "file") return d === undefined || d.kind === "directory" ? Errno.BADF : Errno.SPIPE;
      const base = seekBase(d, whence);
      if (base < 0) return -base;
      const target = base + Number(BigInt.asIntN(64, offset));
      if (target < 0) return Errno.INVAL;
      d.position = target;
      memory().u64(newOffsetPtr, BigInt(target));
      return Errno.SUCCESS;
    },
    fd_tell(fd: number, offsetPtr: number): number {
      const d = fds.get(fd);
      if (d?.kind !== "file") return d === undefined || d.kind === "directory" ? Errno.BADF : Errno.SPIPE;
      memory().u64(offsetPtr, BigInt(d.position));
      return Errno.SUCCESS;
    },
  };
}

/** The position a seek is relative to, or a negative errno. */
function seekBase(file: OpenFile, whence: number): number {
  if (whence === Whence.SET) return 0;
  if (whence === Whence.CUR) return file.position;
  if (whence !== Whence.END) return -Errno.INVAL;
  const stat = statHostFd(file.hostFd);
  return typeof stat === "number" ? -stat : Number(stat.size);
}

/** Carries a failed host read out of an iovec loop; never leaves this module. */
class HostReadError extends Error {
  readonly errno: number;
  constructor(errno: number) {
    super(`host read failed with errno ${errno}`);
    this.errno = errno;
  }
}
