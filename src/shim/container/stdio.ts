/**
 * A container's stdout or stderr as containerd hands it over in `Create`: the path of a FIFO whose read
 * end belongs to the client (ctr, the CRI plugin's log copier). The FIFO is opened read-write and
 * non-blocking, as containerd's own shims keep a read end open, so the shim never blocks on a client that
 * has not opened its end yet and never gets EPIPE from one that has gone; output beyond a bounded backlog
 * is dropped rather than held in memory. An empty path (`ctr run --null-io`) discards the output.
 */
import { closeSync, constants, openSync, statSync, writeSync } from "node:fs";
import { Socket } from "node:net";
import { fileURLToPath } from "node:url";

/** How much unread output one stream may hold in memory before further writes are dropped. */
const MAX_BACKLOG = 1 << 20;

export interface OutputStream {
  write(text: string): void;
  close(): void;
}

const discard: OutputStream = { write: () => undefined, close: () => undefined };

/** Opens the stream named by `path`: a FIFO or file path, a `file://` URI, or "" for none. */
export function openOutput(path: string): OutputStream {
  if (path === "") return discard;
  const file = path.startsWith("file://") ? fileURLToPath(path) : path;
  if (!statSync(file, { throwIfNoEntry: false })?.isFIFO()) return openFile(file);
  const socket = new Socket({
    fd: openSync(file, constants.O_RDWR | constants.O_NONBLOCK),
    readable: false,
    writable: true,
  });
  socket.on("error", () => socket.destroy());
  return {
    write: (text) => {
      if (!socket.destroyed && socket.writableLength < MAX_BACKLOG) socket.write(text);
    },
    close: () => socket.end(),
  };
}

/** A regular file (a log file given as `file://`): written synchronously, since a file never blocks. */
function openFile(file: string): OutputStream {
  let fd: number | undefined = openSync(
    file,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
    0o640,
  );
  return {
    write: (text) => {
      if (fd !== undefined) writeSync(fd, text);
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
