/**
 * node-redis connections through the runtime config's outbound sockets (the node-wide containerd shim's
 * are made in the pod's network namespace). node-redis takes no socket factory: each connection, the first
 * and every reconnect, is `net.createConnection(options)` (`tls.connect(options)` for `rediss://`) with the
 * client's socket options. So the options `redisSocketOptions` gives carry the sockets under a symbol of
 * this module, and `net.createConnection` and `tls.connect` are wrapped, once, to connect a new socket from
 * them when that symbol is there; every other call goes to Node's own unchanged. The wrappers are installed
 * the first time such options are made, so a host without outbound sockets (`spindle up`) never has them.
 */
import type { LookupFunction, Socket } from "node:net";
import net from "node:net";
import tls from "node:tls";
import { WELL_KNOWN_PORTS } from "../util/well-known-ports.ts";
import { connectOutbound, type ConnectExtras, type OutboundSockets } from "../net/outbound-socket.ts";

const SOCKETS = Symbol("spindle.outboundSockets");

/** Socket options for node-redis that make its connections from `sockets`, resolved through `lookup`. */
export function redisSocketOptions(
  sockets: OutboundSockets | undefined,
  lookup: LookupFunction | undefined,
): RedisSocketRoute {
  const resolve = lookup === undefined ? {} : { lookup };
  if (sockets === undefined) return resolve;
  installWrappers();
  return { ...resolve, [SOCKETS]: sockets };
}

/** What `redisSocketOptions` adds to node-redis's socket options. */
export interface RedisSocketRoute {
  readonly lookup?: LookupFunction;
  readonly [SOCKETS]?: OutboundSockets;
}

interface TaggedOptions extends ConnectExtras {
  readonly [SOCKETS]?: OutboundSockets;
  readonly host?: string;
  readonly port?: number;
  readonly lookup?: LookupFunction;
}

let installed = false;

function installWrappers(): void {
  if (installed) return;
  installed = true;
  const createConnection = net.createConnection;
  const connectTls = tls.connect;
  const tcp = (options: TaggedOptions, sockets: OutboundSockets): Socket => {
    // node-redis always passes both; net's option type has them optional, hence the defaults.
    const { host = "localhost", port = WELL_KNOWN_PORTS.redis, lookup, ...extras } = options;
    return connectOutbound(sockets, { host, port, lookup }, extras);
  };
  net.createConnection = ((...args: Parameters<typeof createConnection>) => {
    const sockets = (args[0] as TaggedOptions | undefined)?.[SOCKETS];
    return sockets === undefined ? createConnection(...args) : tcp(args[0] as TaggedOptions, sockets);
  }) as typeof createConnection;
  tls.connect = ((...args: Parameters<typeof connectTls>) => {
    const options = args[0] as TaggedOptions & tls.ConnectionOptions;
    const sockets = options[SOCKETS];
    return sockets === undefined
      ? connectTls(...args)
      : connectTls({ ...options, socket: tcp(options, sockets) });
  }) as typeof connectTls;
}
