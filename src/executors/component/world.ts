/**
 * Decides at load time whether Spindle can run a component for a trigger, from its imports and exports
 * alone: an HTTP handler must export `wasi:http/incoming-handler@0.2.x`, a Redis handler Spin's
 * `fermyon:spin/inbound-redis`; either may import nothing beyond the WASI 0.2.x interfaces the host serves
 * and the capability interfaces. Every refusal is a `SpindleError` naming the component and its source and
 * listing what it found. Pure; runs once per component.
 */
import { WASI_HTTP_INTERFACES } from "../../capabilities/wasi-http/host.ts";
import { WASI_INTERFACES } from "../../capabilities/wasi/p2/host.ts";
import { CAPABILITY_INTERFACES } from "../../capabilities/capability.ts";
import { SpindleError } from "../../errors.ts";
import type { ComponentSurface } from "./inspect.ts";

const SERVED = new Set<string>([...WASI_INTERFACES, ...WASI_HTTP_INTERFACES]);
/**
 * Capability interfaces are served at exactly the versions they name; `fermyon:spin/redis-types` only
 * declares the types of the inbound Redis interface, so it has nothing to serve.
 */
const SERVED_EXACT = new Set<string>([...CAPABILITY_INTERFACES, "fermyon:spin/redis-types"]);
const HANDLER = /^wasi:http\/incoming-handler@0\.2\.\d+$/;
const LEGACY_HANDLER = /^fermyon:spin\/inbound-http(@.*)?$/;
const REDIS_HANDLER = "fermyon:spin/inbound-redis";
const REDIS_V3_HANDLER = /^spin:redis\/inbound-redis@/;
/** `package:ns/interface@0.2.<patch>`, the versions served (release candidates of 0.2.0 are not). */
const VERSIONED = /^([^@]+)@0\.2\.\d+$/;

/** The export a trigger calls: an instance export of the component and the function in it. */
export interface GuestEntry {
  /** The exact export name, e.g. `wasi:http/incoming-handler@0.2.3`. */
  readonly exportName: string;
  /** The function's WIT name, e.g. `handle-message`. */
  readonly func: string;
  /** The same function as the transpiled glue names it, e.g. `handleMessage`. */
  readonly method: string;
}

/** Checks `surface` for the HTTP trigger; `what` names the component in messages (`component "x" (path)`). */
export function checkHttpWorld(what: string, surface: ComponentSurface): GuestEntry {
  const exportName = surface.exports.find((e) => e.kind === "instance" && HANDLER.test(e.name))?.name;
  if (exportName === undefined) throw missingHttpHandler(what, surface);
  checkImports(what, surface);
  return { exportName, func: "handle", method: "handle" };
}

/** Checks `surface` for the Redis trigger, as `checkHttpWorld` does for HTTP. */
export function checkRedisWorld(what: string, surface: ComponentSurface): GuestEntry {
  const found = surface.exports.some((e) => e.kind === "instance" && e.name === REDIS_HANDLER);
  if (!found) throw missingRedisHandler(what, surface);
  checkImports(what, surface);
  return { exportName: REDIS_HANDLER, func: "handle-message", method: "handleMessage" };
}

/**
 * Every handler function the component exports, in the glue's `interface#function` form: all of them are
 * transpiled as async (JSPI) exports, so one transpiled component serves every trigger it is bound to.
 */
export function entryPoints(surface: ComponentSurface): string[] {
  return surface.exports.flatMap((e) => {
    if (e.kind !== "instance") return [];
    if (HANDLER.test(e.name)) return [`${e.name}#handle`];
    return e.name === REDIS_HANDLER ? [`${e.name}#handle-message`] : [];
  });
}

function checkImports(what: string, surface: ComponentSurface): void {
  const unsupported = surface.imports.filter((i) => !isServed(i.name, i.kind)).map((i) => i.name);
  if (unsupported.length > 0) {
    throw new SpindleError(`${what} imports interfaces Spindle does not provide: ${unsupported.join(", ")}`, {
      hint: `Spindle provides wasi:io, wasi:clocks, wasi:random, wasi:cli, wasi:filesystem (read-only) and wasi:http at versions 0.2.x, and ${CAPABILITY_INTERFACES.join(", ")}; rebuild the component without the others`,
    });
  }
}

function isServed(name: string, kind: string): boolean {
  if (kind === "instance" && SERVED_EXACT.has(name)) return true;
  const unversioned = VERSIONED.exec(name)?.[1];
  return kind === "instance" && unversioned !== undefined && SERVED.has(unversioned);
}

function exportList(surface: ComponentSurface): string {
  const exported = surface.exports.map((e) => e.name);
  return exported.length === 0 ? "nothing" : exported.join(", ");
}

function missingHttpHandler(what: string, surface: ComponentSurface): SpindleError {
  const legacy = surface.exports.find((e) => LEGACY_HANDLER.test(e.name));
  if (legacy !== undefined) {
    return new SpindleError(
      `${what} exports the legacy Spin HTTP interface ${legacy.name}, which this version of Spindle does not run`,
      { hint: "rebuild it with a current Spin SDK, which exports wasi:http/incoming-handler@0.2.x" },
    );
  }
  return new SpindleError(
    `${what} exports none of the interfaces Spindle serves over HTTP (wasi:http/incoming-handler@0.2.x); it exports ${exportList(surface)}`,
    {
      hint: 'build it as an HTTP component (for example with the Spin SDK), or, for a WASI command module, use executor = { type = "wagi" }',
    },
  );
}

function missingRedisHandler(what: string, surface: ComponentSurface): SpindleError {
  const v3 = surface.exports.find((e) => REDIS_V3_HANDLER.test(e.name));
  if (v3 !== undefined) {
    return new SpindleError(
      `${what} exports ${v3.name}, an asynchronous (WASI 0.3) handler this version of Spindle does not run`,
      { hint: `build it against Spin's ${REDIS_HANDLER} interface (the Spin 2 and 3 SDKs' Redis trigger)` },
    );
  }
  return new SpindleError(
    `${what} is bound to a Redis trigger but does not export ${REDIS_HANDLER}; it exports ${exportList(surface)}`,
    {
      hint: "build it as a Redis component (for example from the Spin SDK's Redis template), or bind it to another trigger",
    },
  );
}
