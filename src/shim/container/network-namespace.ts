/**
 * Linux network namespaces for apps served inside the shim process. A pod's network is a namespace of its
 * own, named in the container's OCI spec by path, while the shim runs in the node's. Node.js has no
 * `setns`, so the few libc calls needed come through `node:ffi`: the main thread enters the pod's
 * namespace, makes what has to live there — a listening socket, or a child process, which inherits the
 * namespace of the thread that forks it — and returns to its own. A socket stays in the namespace it was
 * made in for its whole life. Everything here is synchronous, so no other JavaScript runs while the thread
 * is away; libuv's other threads never leave the shim's namespace.
 */
import { closeSync, openSync, statSync } from "node:fs";
import { SpindleError } from "../../errors.ts";
import type { OutboundSockets, UnconnectedSocket } from "../../net/outbound-socket.ts";
import { cannotListen, type ListenAddress } from "../../triggers/http/listen-address.ts";
import { libc } from "./libc.ts";

const CLONE_NEWNET = 0x40000000;
const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const IPPROTO_IPV6 = 41;
const IPV6_V6ONLY = 26;
/** Node's own backlog for `server.listen`. */
const BACKLOG = 511;

/** The shim's own network namespace, as the kernel names it. */
const OWN_NAMESPACE = "/proc/thread-self/ns/net";

/** `path` when it names a network namespace other than the shim's own, else undefined: none to enter. */
export function foreignNetworkNamespace(path: string | undefined): string | undefined {
  return path === undefined || isOwnNetworkNamespace(path) ? undefined : path;
}

/** Whether `path` names the namespace this process already runs in: then nothing has to be entered. */
export function isOwnNetworkNamespace(path: string): boolean {
  const target = namespaceStat(path);
  const own = statSync(OWN_NAMESPACE);
  return target.ino === own.ino && target.dev === own.dev;
}

/** The shim's own namespace, opened once: every entry into a pod's returns to it. */
let ownNamespace: number | undefined;

/** Runs `action` with this thread inside the network namespace at `path`, then returns to its own. */
export function inNetworkNamespace<T>(path: string, action: () => T): T {
  const c = libc();
  ownNamespace ??= openSync(OWN_NAMESPACE, "r");
  const target = openNamespace(path);
  try {
    if (c.setns(target, CLONE_NEWNET) !== 0) {
      const code = c.lastErrorCode();
      // setns's EINVAL: the file opened is a namespace of another kind, or no namespace at all.
      const reason = code === "EINVAL" ? "not a network namespace (EINVAL)" : c.lastError();
      throw new SpindleError(`cannot enter the network namespace ${path}: ${reason}`, {
        hint: namespaceHint(code),
      });
    }
    try {
      return action();
    } finally {
      if (c.setns(ownNamespace, CLONE_NEWNET) !== 0) {
        // A thread left in a pod's namespace would serve every later pod from it: stop instead.
        process.stderr.write(`cannot return to the shim's network namespace: ${c.lastError()}\n`);
        process.abort();
      }
    }
  } finally {
    closeSync(target);
  }
}

/**
 * A TCP socket listening on `address` inside the network namespace at `path`, as a file descriptor for
 * `server.listen({ fd })`. Its errors read as those of a listener bound by Node itself.
 */
export function listenInNetworkNamespace(path: string, address: ListenAddress): number {
  return inNetworkNamespace(path, () => listeningSocket(address));
}

/**
 * Outbound sockets made inside the network namespace at `path`, so an app's connections (and its DNS
 * queries) leave from the pod's address. Each is an IPv6 socket that reaches IPv4 addresses too, or an
 * IPv4 one when the kernel has no IPv6 (`EAFNOSUPPORT`).
 */
export function socketsInNetworkNamespace(path: string): OutboundSockets {
  return (kind) => inNetworkNamespace(path, () => unconnectedSocket(kind));
}

function unconnectedSocket(kind: "stream" | "datagram"): UnconnectedSocket {
  const c = libc();
  const type = (kind === "stream" ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
  const fd = c.socket(AF_INET6, type, 0);
  if (fd >= 0) {
    c.setIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    return { fd, family: 6 };
  }
  const code = c.lastErrorCode();
  const fd4 = code === "EAFNOSUPPORT" ? c.socket(AF_INET, type, 0) : -1;
  if (fd4 < 0) {
    throw new SpindleError(`cannot make a socket in a pod's network namespace: ${c.lastError()}`, {
      hint: namespaceHint(c.lastErrorCode()),
    });
  }
  return { fd: fd4, family: 4 };
}

function listeningSocket(address: ListenAddress): number {
  const c = libc();
  const family = address.host.includes(":") ? AF_INET6 : AF_INET;
  const sockaddr = socketAddress(family, address);
  const fd = c.socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw cannotListen(address, { code: c.lastErrorCode(), detail: c.lastError() });
  try {
    c.setIntOption(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    // Node's `::` listens on IPv4 too; so does this socket.
    if (family === AF_INET6) c.setIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
    if (c.bind(fd, sockaddr, sockaddr.length) !== 0 || c.listen(fd, BACKLOG) !== 0) {
      throw cannotListen(address, { code: c.lastErrorCode(), detail: c.lastError() });
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function socketAddress(family: number, address: ListenAddress): Buffer {
  const sockaddr = Buffer.alloc(family === AF_INET6 ? 28 : 16);
  sockaddr.writeUInt16LE(family, 0);
  sockaddr.writeUInt16BE(address.port, 2);
  const ip = sockaddr.subarray(family === AF_INET6 ? 8 : 4, family === AF_INET6 ? 24 : 8);
  if (libc().inet_pton(family, address.host, ip) !== 1) {
    throw new SpindleError(`cannot listen on ${address.host}:${address.port} in a pod's network namespace`, {
      hint: "give SPIN_HTTP_LISTEN_ADDR an IP address (0.0.0.0:80, [::]:80, 127.0.0.1:3000): a host name cannot be bound there",
    });
  }
  return sockaddr;
}

function namespaceStat(path: string) {
  try {
    return statSync(path);
  } catch (cause) {
    throw unreachableNamespace(path, cause as NodeJS.ErrnoException);
  }
}

function openNamespace(path: string): number {
  try {
    return openSync(path, "r");
  } catch (cause) {
    throw unreachableNamespace(path, cause as NodeJS.ErrnoException);
  }
}

function unreachableNamespace(path: string, cause: NodeJS.ErrnoException): SpindleError {
  const message =
    cause.code === "ENOENT"
      ? `the container's network namespace ${path} does not exist`
      : `cannot open the container's network namespace ${path}: ${cause.message}`;
  return new SpindleError(message, { cause, hint: namespaceHint(cause.code) });
}

/** What to do when entering a pod's namespace, or making a socket there, failed with `code`. */
function namespaceHint(code: string | undefined): string {
  switch (code) {
    case "EMFILE":
    case "ENFILE":
      return "the shim has run out of file descriptors: raise its LimitNOFILE (or the node's fs.file-max)";
    case "EPERM":
    case "EACCES":
      return "the shim needs CAP_SYS_ADMIN to enter a pod's network namespace: containerd runs shims as root";
    case "ENOENT":
      return "the pod's sandbox may have been removed; containerd recreates the container with its new sandbox";
    case "EINVAL":
      return "the container's spec must name a network namespace (linux.namespaces, type network) as its path";
    default:
      return "check the shim's log and that the pod's sandbox still exists";
  }
}
