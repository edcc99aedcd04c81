/**
 * Selective deployment, as Spin's `spin up --component-id` and the Spin shim's `SPIN_COMPONENTS_TO_RETAIN`
 * (which SpinKube sets from a SpinApp's `components`): the locked app keeps only the triggers whose
 * component was selected, and the components those triggers use. Every selected id must exist, and a
 * selected component may not chain to one left out (`http://<id>.spin.internal` in its
 * `allowed_outbound_hosts`, or the wildcard `*.spin.internal`); templated hosts are not resolved yet and are
 * not checked, as in Spin. Pure.
 */
import { SpindleError } from "../errors.ts";
import { parseAllowedHost, type AllowedHostEntry } from "../manifest/allowed-hosts.ts";
import type { LockedApp, LockedComponent } from "./locked.ts";

const INTERNAL_DOMAIN = "spin.internal";

/** `locked` with only the selected components and their triggers; `where` names the selection in errors. */
export function retainComponents(locked: LockedApp, selected: readonly string[], where: string): LockedApp {
  const ids = locked.components.map((component) => component.id);
  for (const id of selected) {
    if (!ids.includes(id)) {
      throw new SpindleError(`Specified component "${id}" not found in application (${where})`, {
        hint: `the app's components are: ${ids.join(", ")}`,
      });
    }
  }
  for (const component of locked.components) {
    if (selected.includes(component.id)) checkChaining(component, selected, where);
  }
  const triggers = locked.triggers.filter((trigger) =>
    selected.includes(componentOf(trigger.trigger_config)),
  );
  const kept = new Set(triggers.map((trigger) => componentOf(trigger.trigger_config)));
  return { ...locked, triggers, components: locked.components.filter((component) => kept.has(component.id)) };
}

function componentOf(config: Readonly<Record<string, unknown>>): string {
  const component = config["component"];
  return typeof component === "string" ? component : "";
}

function checkChaining(component: LockedComponent, selected: readonly string[], where: string): void {
  for (const host of component.metadata?.allowed_outbound_hosts ?? []) {
    const target = chainingTarget(host);
    if (target === undefined || selected.includes(target)) continue;
    const message =
      target === "*"
        ? `Selected component '${component.id}' cannot use wildcard service chaining: allowed_outbound_hosts = ["http://*.spin.internal"]`
        : `Selected component '${component.id}' cannot use service chaining to unselected component: allowed_outbound_hosts = ["http://${target}.spin.internal"]`;
    throw new SpindleError(`${message} (${where})`, {
      hint: target === "*" ? "select every component it may call" : `select "${target}" as well`,
    });
  }
}

/**
 * The component an `<id>.spin.internal` entry chains to, `*` for `*.spin.internal`; undefined for other
 * hosts, and for templated or malformed entries (loading the app reports those).
 */
function chainingTarget(entry: string): string | undefined {
  if (entry.includes("{{")) return undefined;
  let host: AllowedHostEntry["host"];
  try {
    ({ host } = parseAllowedHost(entry));
  } catch {
    return undefined;
  }
  if (host.kind === "subdomain") return host.domain === INTERNAL_DOMAIN ? "*" : undefined;
  if (host.kind !== "literal" || !host.host.endsWith(`.${INTERNAL_DOMAIN}`)) return undefined;
  return host.host.slice(0, -INTERNAL_DOMAIN.length - 1);
}
