/**
 * An undici connector whose connections go through the runtime config's outbound sockets (the node-wide
 * containerd shim's are made in the pod's network namespace): the TCP connection is made here, then
 * undici's own connector upgrades an `https:` one to TLS over it, with its certificate options, server
 * name and session cache as for any other agent. One per agent; one socket per connection.
 */
import type { LookupFunction } from "node:net";
import type { buildConnector } from "undici";
import { connectOutbound, type OutboundSockets } from "../../net/outbound-socket.ts";

/** undici's own defaults: how long a TCP connection may take, and when keep-alive probes start. */
const CONNECT_TIMEOUT_MS = 10_000;
const KEEP_ALIVE_DELAY_MS = 60_000;

export async function outboundConnector(
  sockets: OutboundSockets,
  lookup: LookupFunction | undefined,
  tls: buildConnector.BuildOptions,
): Promise<buildConnector.connector> {
  const { buildConnector } = await import("undici");
  const secure = buildConnector({ ...tls, timeout: CONNECT_TIMEOUT_MS });
  return (options, callback) => {
    const https = options.protocol === "https:";
    const port = options.port === "" ? (https ? 443 : 80) : Number(options.port);
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
