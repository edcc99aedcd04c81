/**
 * The preview 1 calls this host answers with an error and no effect: every change to the read-only tree
 * (EPERM, as for Spin's read-only mounts), sockets (none exist: ENOTSOCK) and signals (ENOSYS). They are
 * present so that any module built against wasi-libc links; the descriptor is still checked first, so a
 * bad descriptor reads EBADF as it would on a full host.
 */
import { Errno } from "./abi.ts";
import type { RunContext } from "./context.ts";

export function refusalCalls({ fds }: RunContext) {
  const onDirectory = (fd: number): number => {
    const d = fds.get(fd);
    if (d === undefined) return Errno.BADF;
    return d.kind === "directory" ? Errno.PERM : Errno.NOTDIR;
  };
  const onSocket = (fd: number): number => (fds.get(fd) === undefined ? Errno.BADF : Errno.NOTSOCK);

  return {
    path_create_directory: (fd: number) => onDirectory(fd),
    path_filestat_set_times: (fd: number) => onDirectory(fd),
    path_link: (oldFd: number) => onDirectory(oldFd),
    path_remove_directory: (fd: number) => onDirectory(fd),
    path_rename: (fd: number) => onDirectory(fd),
    path_symlink: (_oldPath: number, _oldPathLen: number, fd: number) => onDirectory(fd),
    path_unlink_file: (fd: number) => onDirectory(fd),
    sock_accept: (fd: number) => onSocket(fd),
    sock_recv: (fd: number) => onSocket(fd),
    sock_send: (fd: number) => onSocket(fd),
    sock_shutdown: (fd: number) => onSocket(fd),
    proc_raise: () => Errno.NOSYS,
  };
}
