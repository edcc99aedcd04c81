/**
 * The variables capability (`fermyon:spin/variables@2.0.0`, and `spin:variables@3.0.0` of the Spin 3
 * SDKs, the same function): a component sees only the variables it declares in
 * `[component.<id>.variables]`, each template rendered with the app's resolved variables once,
 * at load time. `get` answers `invalid-name(reason)` for a name outside Spin's key rules and
 * `undefined(message)` for a name the component does not declare. The rendered values are shared by all
 * instances; each instance's import object is one closure.
 */
import { parseTemplate, renderTemplate } from "../../manifest/template.ts";
import type { Capability, CapabilityImports } from "../capability.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";
import { invalidNameReason } from "./names.ts";

/** The WIT `error` variant, in the glue's representation. */
export type VariablesError = {
  readonly tag: "invalid-name" | "undefined" | "provider" | "other";
  readonly val: string;
};

export const VARIABLES_IMPORTS: CapabilityImports = {
  interfaces: ["fermyon:spin/variables@2.0.0", "spin:variables/variables@3.0.0"],
  suspending: [],
};

export function createVariablesCapability(): Capability {
  return {
    name: "variables",
    imports: VARIABLES_IMPORTS,
    configureApp: (app, { variables }) => {
      const resolve = (name: string) => {
        const value = variables.values.get(name);
        // Lock-time validation guarantees every referenced variable exists and resolution gave it a value.
        if (value === undefined) throw new Error(`variable "${name}" has no resolved value`);
        return value;
      };
      const rendered = new Map<string, ReadonlyMap<string, string>>();
      for (const component of app.components.values()) {
        const config = Object.entries(component.locked.config ?? {});
        rendered.set(
          component.id,
          new Map(config.map(([key, template]) => [key, renderTemplate(parseTemplate(template), resolve)])),
        );
      }
      return Promise.resolve({
        prepare: (componentId) => variablesImports(componentId, rendered.get(componentId) ?? new Map()),
      });
    },
    close: () => Promise.resolve(),
  };
}

export function variablesImports(
  componentId: string,
  values: ReadonlyMap<string, string>,
): Record<string, object> {
  const interfaceObject = {
    get(name: string): string {
      const reason = invalidNameReason(name);
      if (reason !== undefined)
        throw guestError({ tag: "invalid-name", val: `invalid variable name "${name}": ${reason}` });
      const value = values.get(name);
      if (value === undefined)
        throw guestError({ tag: "undefined", val: `no variable for "${componentId}"."${name}"` });
      return value;
    },
  };
  return { "fermyon:spin/variables": interfaceObject, "spin:variables/variables": interfaceObject };
}

function guestError(error: VariablesError): GuestError<VariablesError> {
  return new GuestError(error, `variables error: ${error.tag}`);
}
