/**
 * `[[client_tls]]` applied: outbound HTTPS from a named component to a named host goes through an undici
 * agent that trusts the entry's certificate authorities and presents its client certificate; every other
 * request keeps Node's defaults. The first entry naming a component and host applies, as in Spin. One per
 * host process; each entry's agent (and its connection pool) is made on first use and shared by every
 * request it applies to.
 */
import { getCACertificates, rootCertificates } from "node:tls";
import type { Agent } from "undici";
import type { ClientTlsConfig } from "../../app/runtime-config-tls.ts";
import type { FetchFunction } from "../outbound-http/network.ts";

export interface ClientTls {
  /** The network as component `component` sees it: `fetch` with its TLS settings for the hosts named. */
  fetchFor(component: string): FetchFunction;
  close(): Promise<void>;
}

export function createClientTls(configs: readonly ClientTlsConfig[], base: FetchFunction = fetch): ClientTls {
  const agents = new Map<ClientTlsConfig, Agent>();
  const agentFor = async (config: ClientTlsConfig): Promise<Agent> => {
    let agent = agents.get(config);
    if (agent === undefined) {
      // Loaded on first use: a host without [[client_tls]] never loads undici's own copy.
      const { Agent } = await import("undici");
      agent =
        agents.get(config) ?? new Agent({ connect: { ca: trustedRoots(config), ...config.clientCert } });
      agents.set(config, agent);
    }
    return agent;
  };
  return {
    fetchFor(component) {
      const entries = configs.filter((config) => config.componentIds.includes(component));
      if (entries.length === 0) return base;
      return async (input, init) => {
        const url = new URL(input);
        const config =
          url.protocol === "https:" ? entries.find((entry) => entry.hosts.includes(url.hostname)) : undefined;
        if (config === undefined) return base(input, init);
        // Node's fetch is undici's and takes an undici dispatcher; the DOM RequestInit type does not say so.
        return base(input, { ...init, dispatcher: await agentFor(config) } as RequestInit);
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
