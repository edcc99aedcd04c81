/**
 * What `spindle up` prints once the Redis trigger is subscribed, in Spin's layout: per server
 * `Active Channels on <host:port>:`, then one `\t<host:port>/<channel>: [<component ids>]` line per
 * channel. Pure.
 */
import { WELL_KNOWN_PORTS } from "../../util/well-known-ports.ts";
import type { RedisServer } from "./config.ts";

export function formatActiveChannels(servers: readonly RedisServer[]): string {
  return servers
    .map((server) => {
      const at = hostPort(server.address);
      const channels = [...server.channels].map(
        ([channel, bindings]) => `\t${at}/${channel}: [${bindings.map((b) => b.component).join(",")}]\n`,
      );
      return `Active Channels on ${at}:\n${channels.join("")}`;
    })
    .join("");
}

function hostPort(address: string): string {
  const url = new URL(address);
  return `${url.hostname}:${url.port === "" ? WELL_KNOWN_PORTS.redis : url.port}`;
}
