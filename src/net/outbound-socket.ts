/**
 * Where an app's outbound connections and DNS queries leave from, when that is not the host's own
 * network: the containerd shim that serves every pod of a node makes each pod's sockets inside the pod's
 * network namespace, so its connections come from the pod's address. The hook (`OutboundSockets`, the
 * runtime config's `outboundSockets`) makes a new, unconnected TCP or UDP socket; `connectOutbound`
 * connects a TCP one as `net.connect` would, resolving the host name through the lookup given;
 * `outboundStream` is node-postgres's stream, from those sockets or, without them, Node's own. A socket
 * keeps the network it was made in, whichever thread connects it later. One socket per connection, made
 * when it is opened.
 *
 * The socket is made before the host name is resolved (node-postgres asks for its stream before it
 * connects), so it is an IPv6 socket that also reaches IPv4 addresses (as `::ffff:a.b.c.d`) — or an IPv4
 * one where the kernel has no IPv6. Node's happy-eyeballs connect is left off: it would make sockets of
 * its own for the other addresses.
 */
import { lookup as dnsLookup } from "node:dns";
import {
  isIP,
  Socket,
  type LookupFunction,
  type TcpNetConnectOpts,
  type TcpSocketConnectOpts,
} from "node:net";
import { lookupError } from "./lookup-error.ts";

/** A TCP or UDP socket not connected yet, as a file descriptor, and the addresses it can reach. */
export interface UnconnectedSocket {
  readonly fd: number;
  /** 6: IPv6 and IPv4 (mapped) addresses; 4: IPv4 only. */
  readonly family: 4 | 6;
}

/**
 * Makes the sockets outbound connections go through: TCP (`stream`), or UDP (`datagram`, for DNS
 * queries); each call is a new socket for one connection or query.
 */
export type OutboundSockets = (type: "stream" | "datagram") => UnconnectedSocket;

export interface OutboundTarget {
  readonly host: string;
  readonly port: number;
  /** How `host` resolves; the system resolver when absent. */
  readonly lookup?: LookupFunction | undefined;
}

/**
 * Options of `net.connect` a client gives beside the target (`noDelay`, `keepAlive`, …); those naming
 * the socket or where it connects to are the target's.
 */
export type ConnectExtras = Omit<TcpNetConnectOpts, "fd" | "host" | "port" | "lookup" | "family">;

/** A socket from `sockets`, connecting to `target`; it emits `connect` or `error` as `net.connect`'s. */
export function connectOutbound(
  sockets: OutboundSockets,
  target: OutboundTarget,
  extras: ConnectExtras = {},
): Socket {
  const made = sockets("stream");
  const socket = new OutboundSocket({ ...extras, fd: made.fd, readable: true, writable: true });
  if (extras.timeout !== undefined) socket.setTimeout(extras.timeout);
  return socket.connect({ ...extras, ...connectOptions(made.family, target) });
}

/**
 * A socket that connects when its owner calls `connect(port, host)`, as node-postgres does with the
 * stream it is given (upgrading to TLS over it with `host` kept for SNI and verification), resolving
 * `host` through `lookup`: one from `sockets` when given, Node's own otherwise.
 */
export function outboundStream(
  sockets: OutboundSockets | undefined,
  lookup: LookupFunction | undefined,
): Socket {
  if (sockets === undefined) {
    return connectingOnCall(new Socket(), (port, host) => ({ port, host, ...(lookup && { lookup }) }));
  }
  const made = sockets("stream");
  const socket = new OutboundSocket({ fd: made.fd, readable: true, writable: true });
  return connectingOnCall(socket, (port, host) => connectOptions(made.family, { host, port, lookup }));
}

/** `socket`, its `connect(port, host)` connecting with the options `optionsFor` gives for that target. */
function connectingOnCall(
  socket: Socket,
  optionsFor: (port: number, host: string) => TcpSocketConnectOpts,
): Socket {
  const connect = socket.connect.bind(socket);
  socket.connect = ((port: number, host: string) => connect(optionsFor(port, host))) as Socket["connect"];
  return socket;
}

/** The sockets that have connected: until then an outbound socket does not read. */
const connected = new WeakSet<Socket>();

/**
 * A socket over a file descriptor made elsewhere, not connected yet. Node starts reading a socket made
 * over a descriptor at once, which on an unconnected one fails (`ENOTCONN`) as soon as the event loop
 * polls it — here, while the host name is being resolved — so reading waits for `connect`.
 */
class OutboundSocket extends Socket {
  constructor(options: ConstructorParameters<typeof Socket>[0]) {
    super(options);
    this.once("connect", () => connected.add(this));
  }

  override _read(size: number): void {
    if (connected.has(this)) super._read(size);
    else this.once("connect", () => super._read(size));
  }
}

/**
 * `address` as a socket of `family` connects to it: an IPv4 one mapped into IPv6 (`::ffff:a.b.c.d`) for
 * an IPv6 socket, anything else as is.
 */
export function addressForSocket(family: UnconnectedSocket["family"], address: string): string {
  return family === 6 && isIP(address) === 4 ? `::ffff:${address}` : address;
}

/** `net.Socket#connect` options that reach `target` through a socket of `family`. */
function connectOptions(family: 4 | 6, target: OutboundTarget) {
  const { host, port } = target;
  if (isIP(host) !== 0) return { port, host: addressForSocket(family, host) };
  return { port, host, family, autoSelectFamily: false, lookup: familyLookup(family, target.lookup) };
}

/** Resolves through `resolve` (the system resolver when absent) to an address a `family` socket reaches. */
function familyLookup(family: 4 | 6, resolve: LookupFunction | undefined): LookupFunction {
  return (hostname, options, callback) => {
    const wanted = { ...options, family: family === 6 ? 0 : 4, all: false };
    // The system resolver is looked up per call: `node:dns`'s export is what is current then.
    (resolve ?? dnsLookup)(hostname, wanted, (error, found, foundFamily) => {
      const first = typeof found === "string" ? { address: found, family: foundFamily } : found[0];
      if (error !== null || first === undefined) {
        callback(error ?? lookupError("ENOTFOUND", hostname), "", 0);
        return;
      }
      callback(null, addressForSocket(family, first.address), family);
    });
  };
}
