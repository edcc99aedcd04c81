/**
 * The `fetch` of the host's own HTTP clients (the libSQL backend, the Vault and Azure Key Vault variable
 * providers), shaped as every other outbound connection of an app: host names resolve through the
 * runtime config's `lookup` (the containerd shim's resolves as the pod would) and connections go through
 * its `outboundSockets` (the node-wide shim's are made in the pod's network namespace), over
 * `outbound-connector.ts`. `block_networks` and `[[client_tls]]` do not apply: Spin applies them to the
 * guests' connections only. With neither a lookup nor sockets, this is Node's global `fetch`, untouched.
 * One per owner: the SQLite capability's is shared by its libSQL databases, the shim's variable providers
 * share one while the app is prepared. Its undici agent (and connection pool) is made on the first request
 * and released by `close`.
 */
import type { LookupFunction } from "node:net";
import type { Agent } from "undici";
import type { OutboundSockets } from "../../net/outbound-socket.ts";
import { shapedAgent, throughAgent } from "./outbound-connector.ts";

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
  let closed = false;
  const agentOnce = (): Promise<Agent> => {
    if (closed) return Promise.reject(new Error("fetch failed: the host's fetch is closed"));
    // A failure to make it (undici not loading) is not kept: the next request tries again.
    agent ??= shapedAgent(sockets, lookup, {}).catch((error: unknown) => {
      agent = undefined;
      throw error;
    });
    return agent;
  };
  return {
    fetch: async (input, init) => fetch(input, throughAgent(init, await agentOnce())),
    close: async () => {
      closed = true;
      const made = await agent?.catch(() => undefined);
      await made?.close();
    },
  };
}
