/**
 * The network outbound HTTP requests go to, as the runtime config shapes it. `[[client_tls]]`: requests
 * from a named component to a named host go through an undici agent that trusts the entry's certificate
 * authorities and presents its client certificate (the first entry naming both applies, as in Spin).
 * `block_networks`: every connection resolves through a lookup that drops blocked addresses, and a blocked
 * IP address written in the URL is refused before connecting; either way the request fails with a
 * `DestinationProhibitedError`, which outbound HTTP's error mapping gives the guest as
 * `destination-IP-prohibited`. A resolver of its own (the runtime config's `lookup`: the containerd
 * shim's resolves as the pod would) is what every connection resolves through, under that filter; sockets
 * of its own (the runtime config's `outboundSockets`: the node-wide shim's are made in the pod's network
 * namespace) are what every connection goes through (`outbound-connector.ts`). With none of these,
 * requests keep Node's own fetch untouched. One per host process; each agent (and its connection pool) is
 * made on first use and shared.
 */
import type { LookupFunction } from "node:net";
import { getCACertificates, rootCertificates } from "node:tls";
import type { Agent } from "undici";
import type { ClientTlsConfig } from "../../app/runtime-config-tls.ts";
import type { OutboundSockets } from "../../net/outbound-socket.ts";
import type { FetchFunction } from "../outbound-http/network.ts";
import { filteringLookup, refuseBlockedAddress, type BlockedNetworks } from "./blocked-networks.ts";
import { shapedAgent, throughAgent } from "./outbound-connector.ts";

export interface OutboundFetch {
  /** The network as component `component` sees it. */
  fetchFor(component: string): FetchFunction;
  close(): Promise<void>;
}

export interface OutboundFetchOptions {
  readonly clientTls: readonly ClientTlsConfig[];
  readonly blocked: BlockedNetworks;
  /** How host names resolve; the system resolver when absent. */
  readonly lookup?: LookupFunction | undefined;
  /** The sockets connections go through; Node's own when absent. */
  readonly sockets?: OutboundSockets | undefined;
  /** What requests finally go through; the global `fetch` when absent. */
  readonly fetch?: FetchFunction;
}

export function createOutboundFetch(options: OutboundFetchOptions): OutboundFetch {
  const base = options.fetch ?? fetch;
  const { blocked } = options;
  const lookup = blocked.empty ? options.lookup : filteringLookup(blocked, options.lookup);
  const { sockets } = options;
  const shaped = lookup !== undefined || sockets !== undefined;
  const agents = new Map<ClientTlsConfig | "default", Agent>();
  const agentFor = async (key: ClientTlsConfig | "default"): Promise<Agent> => {
    let agent = agents.get(key);
    if (agent === undefined) {
      const tls = key === "default" ? {} : { ca: trustedRoots(key), ...key.clientCert };
      const made = await shapedAgent(sockets, lookup, tls);
      agent = agents.get(key) ?? made;
      if (agent !== made) await made.close();
      agents.set(key, agent);
    }
    return agent;
  };
  return {
    fetchFor(component) {
      const entries = options.clientTls.filter((config) => config.componentIds.includes(component));
      if (entries.length === 0 && !shaped) return base;
      return async (input, init) => {
        const url = new URL(input);
        refuseBlockedAddress(blocked, url.hostname);
        const config =
          url.protocol === "https:" ? entries.find((entry) => entry.hosts.includes(url.hostname)) : undefined;
        if (config === undefined && !shaped) return base(input, init);
        return base(input, throughAgent(init, await agentFor(config ?? "default")));
      };
    },
    close: async () => {
      await Promise.all([...agents.values()].map((agent) => agent.close()));
    },
  };
}

function trustedRoots(config: ClientTlsConfig): string[] {
  return [
    ...(config.usePlatformRoots ? getCACertificates("system") : []),
    ...(config.useWebpkiRoots ? rootCertificates : []),
    ...config.caRoots,
  ];
}
