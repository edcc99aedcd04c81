/**
 * The `allowed_outbound_hosts` check of the outbound capabilities that connect to an address rather than
 * send HTTP requests (Redis, PostgreSQL, MQTT), Spin's way: the address is read as a URL, and when it has
 * no scheme or no host it is read again with the capability's scheme in front (`127.0.0.1:6379` is
 * `redis://127.0.0.1:6379`); then scheme, host and port (the scheme's well-known one when none is given)
 * must all match one entry of the component's list. A refusal is logged once per attempt with the manifest
 * line that would allow it. The entry grammar and matcher are outbound HTTP's; this module only reads
 * addresses. `lookupFor` then gives the lookup the client connects through: the runtime config's resolver,
 * wrapped to drop what its `block_networks` blocks, so the address checked is the one connected to. Gates
 * are built once per component at load time; `check` is per call, pure apart from the log.
 */
import type { LookupFunction } from "node:net";
import type { LoadedApp } from "../../app/load.ts";
import type { ResolvedVariables } from "../../app/variables.ts";
import { wellKnownPort } from "../../util/well-known-ports.ts";
import type { Logger } from "../../observe/logger.ts";
import { withoutCredentials } from "../../util/url-credentials.ts";
import {
  allowsTarget,
  buildAllowList,
  suggestEntryFor,
  type AllowList,
} from "../outbound-http/allow-list.ts";
import type { OutboundTarget } from "../outbound-http/outbound-url.ts";
import { NO_BLOCKED_NETWORKS, type BlockNetworksConfig } from "../../app/runtime-config-networking.ts";
import {
  blockedNetworks,
  DestinationProhibitedError,
  filteringLookup,
  refuseBlockedAddress,
  type BlockedNetworks,
} from "./blocked-networks.ts";

type AbsoluteTarget = Extract<OutboundTarget, { kind: "absolute" }>;

/** The outcome of one check; `url` is the address as read, without credentials. */
export type AddressCheck =
  | { readonly kind: "allowed"; readonly url: string }
  | { readonly kind: "denied"; readonly url: string }
  /** Not a URL even with the scheme in front. */
  | { readonly kind: "invalid" };

export interface AddressGate {
  check(address: string): AddressCheck;
  /**
   * The `lookup` a client must resolve an allowed address's host through: the runtime config's resolver,
   * dropping the addresses its `block_networks` blocks and failing with `DestinationProhibitedError` when
   * none is left. Undefined when nothing is blocked and names resolve with the system resolver.
   *
   * @throws DestinationProhibitedError when the address names a blocked IP address, which no lookup sees.
   */
  lookupFor(address: string): LookupFunction | undefined;
}

export interface GateOptions {
  /** The scheme entries must allow, and the one assumed when an address has none (`redis`). */
  readonly scheme: string;
  /** What the component was trying to do, for the log line (`connect to Redis at`). */
  readonly action: string;
  readonly variables: ResolvedVariables;
  readonly logger: Logger;
  /** The runtime config's `block_networks`; nothing is blocked when absent. */
  readonly blockNetworks?: BlockNetworksConfig | undefined;
  /** The runtime config's resolver; the system's when absent. */
  readonly lookup?: LookupFunction | undefined;
}

/**
 * One gate per component of `app`.
 *
 * @throws SpindleError when an entry of some component is invalid (as outbound HTTP reports it).
 */
export function addressGates(app: LoadedApp, options: GateOptions): Map<string, AddressGate> {
  const componentIds = [...app.components.keys()];
  const gates = new Map<string, AddressGate>();
  const blocked = blockedNetworks(options.blockNetworks ?? NO_BLOCKED_NETWORKS);
  const lookup = blocked.empty ? options.lookup : filteringLookup(blocked, options.lookup);
  for (const component of app.components.values()) {
    const allowList = buildAllowList({
      component: component.id,
      entries: component.locked.metadata?.allowed_outbound_hosts ?? [],
      variables: options.variables.values,
      componentIds,
    });
    gates.set(component.id, gate(component.id, allowList, { ...options, blocked, lookup }));
  }
  return gates;
}

/** A gate that refuses everything, for a component the app does not have. */
export const closedGate: AddressGate = {
  check: (address) => ({ kind: "denied", url: address }),
  lookupFor: (address) => {
    throw new DestinationProhibitedError(address);
  },
};

function gate(
  component: string,
  allowList: AllowList,
  options: GateOptions & { readonly blocked: BlockedNetworks; readonly lookup: LookupFunction | undefined },
): AddressGate {
  const logger = options.logger.child({ component });
  return {
    check(address) {
      const target = readAddress(address, options.scheme);
      if (target === undefined) return { kind: "invalid" };
      const url = withoutCredentials(target.url);
      if (allowsTarget(target, allowList)) return { kind: "allowed", url };
      const fix = suggestEntryFor(target);
      logger.warn(
        `component "${component}" may not ${options.action} ${url}; to allow it, add ${fix} to [component.${component}] in spin.toml`,
        { url },
      );
      return { kind: "denied", url };
    },
    lookupFor(address) {
      const target = readAddress(address, options.scheme);
      if (target !== undefined) refuseBlockedAddress(options.blocked, target.url.hostname);
      return options.lookup;
    },
  };
}

/** `address` as a URL with a host, retried with `<scheme>://` in front. */
export function readAddress(address: string, scheme: string): AbsoluteTarget | undefined {
  const url = withHost(address.trim()) ?? withHost(`${scheme}://${address.trim()}`);
  if (url === undefined) return undefined;
  const urlScheme = url.protocol.slice(0, -1).toLowerCase();
  // Hosts of schemes the URL standard does not know (redis, mqtt, postgres) keep their case.
  const host = url.hostname.toLowerCase();
  const port = url.port === "" ? wellKnownPort(urlScheme) : Number(url.port);
  return { kind: "absolute", url, scheme: urlScheme, host, port };
}

function withHost(text: string): URL | undefined {
  const url = URL.parse(text);
  return url !== null && url.hostname !== "" ? url : undefined;
}
