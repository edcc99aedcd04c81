/**
 * The undici agents outbound connections go through: with outbound sockets (the node-wide containerd
 * shim's are made in the pod's network namespace), a connector that makes the TCP connection through them,
 * then lets undici's own connector upgrade an `https:` one to TLS over it, with its certificate options,
 * server name and session cache as for any other agent (one socket per connection); without, undici's own
 * connector, resolving through the lookup given.
 */
import type { LookupFunction } from "node:net";
import type { Agent, buildConnector } from "undici";
import { connectOutbound, type OutboundSockets } from "../../net/outbound-socket.ts";
import { WELL_KNOWN_PORTS } from "../../util/well-known-ports.ts";

/** undici's own defaults: how long a TCP connection may take, and when keep-alive probes start. */
const CONNECT_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_DELAY_MS = 60_000;

/** An agent shaped by `sockets` and `lookup` (either may be absent), with `tls` for `https:` connections. */
export async function shapedAgent(
  sockets: OutboundSockets | undefined,
  lookup: LookupFunction | undefined,
  tls: buildConnector.BuildOptions,
): Promise<Agent> {
  // Loaded on first use: a host whose runtime config shapes no request never loads undici's own copy.
  const { Agent } = await import("undici");
  const resolve = lookup === undefined ? {} : { lookup };
  const connect =
    sockets === undefined ? { ...tls, ...resolve } : await outboundConnector(sockets, lookup, tls);
  return new Agent({ connect });
}

/** `init` sending its request through `agent`: Node's fetch is undici's, though the DOM type does not say so. */
export function throughAgent(init: RequestInit | undefined, agent: Agent): RequestInit {
  return { ...init, dispatcher: agent } as RequestInit;
}

async function outboundConnector(
  sockets: OutboundSockets,
  lookup: LookupFunction | undefined,
  tls: buildConnector.BuildOptions,
): Promise<buildConnector.connector> {
  const { buildConnector } = await import("undici");
  const secure = buildConnector({ ...tls, timeout: CONNECT_TIMEOUT_MS });
  return (options, callback) => {
    const https = options.protocol === "https:";
    const port = options.port === "" ? WELL_KNOWN_PORTS[https ? "https" : "http"] : Number(options.port);
    const socket = connectOutbound(sockets, { host: options.hostname, port, lookup });
    socket.setNoDelay(true).setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    socket.setTimeout(CONNECT_TIMEOUT_MS, () =>
      socket.destroy(
        new Error(`connect timed out after ${CONNECT_TIMEOUT_MS} ms: ${options.hostname}:${port}`),
      ),
    );
    const failed = (error: Error) => callback(error, null);
    socket.once("error", failed).once("connect", () => {
      socket.setTimeout(0).off("error", failed);
      if (https) secure({ ...options, httpSocket: socket }, callback);
      else callback(null, socket);
    });
  };
}
