/**
 * The port each URL scheme Spin knows uses when an address gives none, as in Spin: what
 * `allowed_outbound_hosts` entries, outbound requests and the backends' server addresses fall back to. Pure.
 */
export const WELL_KNOWN_PORTS = {
  postgres: 5432,
  mysql: 3306,
  redis: 6379,
  mqtt: 1883,
  http: 80,
  https: 443,
} as const;

const PORT_OF_SCHEME: ReadonlyMap<string, number> = new Map(Object.entries(WELL_KNOWN_PORTS));

/** The port used for `scheme` when an entry or a request URL gives none. */
export function wellKnownPort(scheme: string): number | undefined {
  return PORT_OF_SCHEME.get(scheme);
}
