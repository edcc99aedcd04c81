/**
 * Normalisation of the trigger list, as Spin does it before locking: triggers without an `id` get one,
 * and components written inline in a trigger are moved to the top-level components under a generated id.
 * Pure functions over the validated trigger entries; the generated ids match Spin's, so the locked app and
 * logs name things the same way.
 */
import { kebabIdProblem } from "./ids.ts";
import type { ComponentBody } from "./component.ts";
import type { ComponentDecl } from "./schema.ts";

/** A trigger's `component`: the id of a top-level component, or a component written inline. */
export type ComponentSpec =
  | { readonly kind: "reference"; readonly id: string }
  | { readonly kind: "inline"; readonly body: ComponentBody };

export interface TriggerIdInput {
  readonly type: string;
  /** The `id` as written; empty when absent. */
  readonly id: string;
  readonly component: ComponentSpec;
}

/**
 * The id of each trigger, in input order. A trigger without one becomes `<component-id>-<type>-trigger`
 * when it references a component and that id is free, otherwise `<type>-trigger<N>`, N counting per type
 * from 1 and skipping ids in use.
 */
export function assignTriggerIds(triggers: readonly TriggerIdInput[]): string[] {
  const used = new Set(triggers.map((trigger) => trigger.id));
  const counters = new Map<string, number>();
  return triggers.map((trigger) => {
    if (trigger.id !== "") return trigger.id;
    const natural =
      trigger.component.kind === "reference" ? `${trigger.component.id}-${trigger.type}-trigger` : undefined;
    let id = natural;
    if (id === undefined || used.has(id)) {
      let counter = counters.get(trigger.type) ?? 1;
      while (used.has(`${trigger.type}-trigger${counter}`)) counter += 1;
      id = `${trigger.type}-trigger${counter}`;
      counters.set(trigger.type, counter);
    }
    used.add(id);
    return id;
  });
}

/**
 * Moves inline components into `components` (after the named ones) and returns each trigger's component
 * id. An inline component is named `<trigger-id>-component` when that is a valid, unused KebabId, otherwise
 * `inline-component<N>` with the first free N.
 */
export function hoistInlineComponents(
  triggers: readonly { readonly id: string; readonly component: ComponentSpec }[],
  components: Map<string, ComponentDecl>,
): string[] {
  return triggers.map(({ id: triggerId, component }) => {
    if (component.kind === "reference") return component.id;
    let id = `${triggerId}-component`;
    if (kebabIdProblem(id) !== undefined || components.has(id)) {
      let counter = 1;
      while (components.has(`inline-component${counter}`)) counter += 1;
      id = `inline-component${counter}`;
    }
    components.set(id, { id, ...component.body });
    return id;
  });
}
