/**
 * Decides at load time whether Spindle can run a component as an HTTP handler, from its imports and
 * exports alone: it must export `wasi:http/incoming-handler@0.2.x`, and import nothing beyond the WASI
 * 0.2.x interfaces the host serves. Every refusal is a `SpindleError` naming the component and its source
 * and listing what it found. Pure; runs once per component.
 */
import { WASI_HTTP_INTERFACES } from "../../capabilities/wasi-http/host.ts";
import { WASI_INTERFACES } from "../../capabilities/wasi/p2/host.ts";
import { CAPABILITY_INTERFACES } from "../../capabilities/capability.ts";
import { SpindleError } from "../../errors.ts";
import type { ComponentSurface } from "./inspect.ts";

const SERVED = new Set<string>([...WASI_INTERFACES, ...WASI_HTTP_INTERFACES]);
/** Capability interfaces are served at exactly the versions they name. */
const SERVED_EXACT = new Set<string>(CAPABILITY_INTERFACES);
const HANDLER = /^wasi:http\/incoming-handler@0\.2\.\d+$/;
const LEGACY_HANDLER = /^fermyon:spin\/inbound-http(@.*)?$/;
/** `package:ns/interface@0.2.<patch>`, the versions served (release candidates of 0.2.0 are not). */
const VERSIONED = /^([^@]+)@0\.2\.\d+$/;

export interface HttpWorld {
  /** The exact export name, e.g. `wasi:http/incoming-handler@0.2.3`. */
  readonly handlerExport: string;
}

/** Checks `surface`; `what` names the component in messages (`component "x" (path)`). */
export function checkHttpWorld(what: string, surface: ComponentSurface): HttpWorld {
  const handlerExport = surface.exports.find((e) => e.kind === "instance" && HANDLER.test(e.name))?.name;
  if (handlerExport === undefined) throw missingHandler(what, surface);
  const unsupported = surface.imports.filter((i) => !isServed(i.name, i.kind)).map((i) => i.name);
  if (unsupported.length > 0) {
    throw new SpindleError(`${what} imports interfaces Spindle does not provide: ${unsupported.join(", ")}`, {
      hint: `Spindle provides wasi:io, wasi:clocks, wasi:random, wasi:cli, wasi:filesystem (read-only) and wasi:http at versions 0.2.x, and ${CAPABILITY_INTERFACES.join(", ")}; rebuild the component without the others`,
    });
  }
  return { handlerExport };
}

function isServed(name: string, kind: string): boolean {
  if (kind === "instance" && SERVED_EXACT.has(name)) return true;
  const unversioned = VERSIONED.exec(name)?.[1];
  return kind === "instance" && unversioned !== undefined && SERVED.has(unversioned);
}

function missingHandler(what: string, surface: ComponentSurface): SpindleError {
  const legacy = surface.exports.find((e) => LEGACY_HANDLER.test(e.name));
  if (legacy !== undefined) {
    return new SpindleError(
      `${what} exports the legacy Spin HTTP interface ${legacy.name}, which this version of Spindle does not run`,
      { hint: "rebuild it with a current Spin SDK, which exports wasi:http/incoming-handler@0.2.x" },
    );
  }
  const exported = surface.exports.map((e) => e.name);
  return new SpindleError(
    `${what} exports none of the interfaces Spindle serves over HTTP (wasi:http/incoming-handler@0.2.x); it exports ${exported.length === 0 ? "nothing" : exported.join(", ")}`,
    {
      hint: 'build it as an HTTP component (for example with the Spin SDK), or, for a WASI command module, use executor = { type = "wagi" }',
    },
  );
}
