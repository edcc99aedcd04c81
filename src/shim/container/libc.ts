/**
 * The libc calls the shim makes that Node.js has no API for, bound through `node:ffi` on first use. The
 * module is experimental in Node 26 and says so once on load; that warning would land in containerd's log
 * for every shim, so it is left out — only that one.
 */
import type { dlopen as Dlopen, getInt32 as GetInt32 } from "node:ffi";
import { getSystemErrorMessage, getSystemErrorName } from "node:util";

type Ffi = { dlopen: typeof Dlopen; getInt32: typeof GetInt32 };

const SIGNATURES = {
  setns: { arguments: ["i32", "i32"], return: "i32" },
  socket: { arguments: ["i32", "i32", "i32"], return: "i32" },
  bind: { arguments: ["i32", "buffer", "u32"], return: "i32" },
  listen: { arguments: ["i32", "i32"], return: "i32" },
  setsockopt: { arguments: ["i32", "i32", "i32", "buffer", "u32"], return: "i32" },
  inet_pton: { arguments: ["i32", "string", "buffer"], return: "i32" },
  __errno_location: { return: "pointer" },
} as const;

export interface Libc {
  readonly setns: (fd: number, nstype: number) => number;
  readonly socket: (domain: number, type: number, protocol: number) => number;
  readonly bind: (fd: number, address: Buffer, length: number) => number;
  readonly listen: (fd: number, backlog: number) => number;
  /** `setsockopt` of an `int` option. */
  readonly setIntOption: (fd: number, level: number, name: number, value: number) => number;
  readonly inet_pton: (family: number, source: string, destination: Buffer) => number;
  /** `errno` of the last failed call, as its name (`EADDRINUSE`). */
  readonly lastErrorCode: () => string;
  /** `errno` of the last failed call, as words and its name. */
  readonly lastError: () => string;
}

let bound: Libc | undefined;

export function libc(): Libc {
  bound ??= bindLibc();
  return bound;
}

function bindLibc(): Libc {
  const ffi = loadFfi();
  const { functions: f } = ffi.dlopen(null, SIGNATURES);
  const errno = () => ffi.getInt32(f.__errno_location());
  return {
    setns: (fd, nstype) => f.setns(fd, nstype),
    socket: (domain, type, protocol) => f.socket(domain, type, protocol),
    bind: (fd, address, length) => f.bind(fd, address, length),
    listen: (fd, backlog) => f.listen(fd, backlog),
    setIntOption: (fd, level, name, value) => {
      const buffer = Buffer.alloc(4);
      buffer.writeInt32LE(value);
      return f.setsockopt(fd, level, name, buffer, buffer.length);
    },
    inet_pton: (family, source, destination) => f.inet_pton(family, source, destination),
    lastErrorCode: () => getSystemErrorName(-errno()),
    lastError: () => `${getSystemErrorMessage(-errno())} (${getSystemErrorName(-errno())})`,
  };
}

function loadFfi(): Ffi {
  const emitWarning = process.emitWarning.bind(process);
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    const text = typeof warning === "string" ? warning : warning.message;
    if (!text.startsWith("FFI is an experimental feature"))
      Reflect.apply(emitWarning, process, [warning, ...rest]);
  };
  try {
    return process.getBuiltinModule("node:ffi");
  } finally {
    process.emitWarning = emitWarning;
  }
}
