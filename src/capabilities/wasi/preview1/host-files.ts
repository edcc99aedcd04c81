/**
 * The only place the preview 1 host touches the host filesystem: synchronous open, read, stat and close of
 * the files a component maps, with Node's error codes turned into WASI errno values. Read-only by
 * construction: nothing here can write, create or remove.
 */
import { closeSync, fstatSync, openSync, readSync, statSync, type BigIntStats } from "node:fs";
import { Errno } from "./abi.ts";

const ERRNO_BY_CODE: Readonly<Record<string, number>> = {
  ENOENT: Errno.NOENT,
  ENOTDIR: Errno.NOTDIR,
  EISDIR: Errno.ISDIR,
  EACCES: Errno.ACCES,
  EPERM: Errno.PERM,
};

/** The WASI errno for a failed fs call; anything unexpected is EIO. */
export function errnoOf(error: unknown): number {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return (code === undefined ? undefined : ERRNO_BY_CODE[code]) ?? Errno.IO;
}

/** Opens a host file for reading; returns the host descriptor, or a negative errno. */
export function openHostFile(path: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    return -errnoOf(error);
  }
}

export function closeHostFile(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed by the host; nothing left to release.
  }
}

/** Reads into `target` at `position`; returns the byte count, or a negative errno. */
export function readHostFile(fd: number, target: Uint8Array, position: number): number {
  try {
    return readSync(fd, target, 0, target.length, position);
  } catch (error) {
    return -errnoOf(error);
  }
}

export function statHostFd(fd: number): BigIntStats | number {
  try {
    return fstatSync(fd, { bigint: true });
  } catch (error) {
    return errnoOf(error);
  }
}

export function statHostPath(path: string): BigIntStats | number {
  try {
    return statSync(path, { bigint: true });
  } catch (error) {
    return errnoOf(error);
  }
}
