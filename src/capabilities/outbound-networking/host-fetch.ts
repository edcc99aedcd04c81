/**
 * The `fetch` of the host's own HTTP clients (the libSQL backend, the Vault and Azure Key Vault variable
 * providers), shaped as every other outbound connection of an app: host names resolve through the
 * runtime config's `lookup` (the containerd shim's resolves as the pod would) and connections go through
 * its `outboundSockets` (the node-wide shim's are made in the pod's network namespace), over
 * `outbound-connector.ts`. `block_networks` and `[[client_tls]]` do not apply: Spin applies them to the
 * guests' connections only. With neither a lookup nor sockets, this is Node's global `fetch`, untouched.
 * One per client that needs it; its undici agent (and connection pool) is made on the first request and
 * released by `close`.
 */
import type { LookupFunction } from "node:net";
import type { Agent } from "undici";
import type { OutboundSockets } from "../../net/outbound-socket.ts";
import { outboundConnector } from "./outbound-connector.ts";

export interface HostFetch {
  readonly fetch: typeof fetch;
  /** Closes the agent, once its requests are done; nothing to close when `fetch` is the global one. */
  close(): Promise<void>;
}

export interface HostFetchOptions {
  /** How host names resolve; the system resolver when absent. */
  readonly lookup: LookupFunction | undefined;
  /** The sockets connections go through; Node's own when absent. */
  readonly sockets: OutboundSockets | undefined;
}

export function createHostFetch({ lookup, sockets }: HostFetchOptions): HostFetch {
  if (lookup === undefined && sockets === undefined) return { fetch, close: () => Promise.resolve() };
  let agent: Promise<Agent> | undefined;
  return {
    fetch: async (input, init) => {
      agent ??= shapedAgent(lookup, sockets);
      // Node's fetch is undici's and takes an undici dispatcher; the DOM RequestInit type does not say so.
      return fetch(input, { ...init, dispatcher: await agent } as RequestInit);
    },
    close: async () => {
      await (await agent)?.close();
    },
  };
}

async function shapedAgent(lookup: LookupFunction | undefined, sockets: OutboundSockets | undefined) {
  // Loaded on first use, as for the guests' agents: a host that shapes no request never loads undici.
  const { Agent } = await import("undici");
  const resolve = lookup === undefined ? {} : { lookup };
  return new Agent({
    connect: sockets === undefined ? resolve : await outboundConnector(sockets, lookup, {}),
  });
}
