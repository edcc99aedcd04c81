/**
 * Variable templates as Spin writes them in component `variables`, `allowed_outbound_hosts` and Redis
 * trigger settings: literal text with `{{ name }}` references to application variables. There is no
 * escaping; whitespace inside the braces is trimmed. The manifest validator uses `parseTemplate` to check
 * references at load time, and the runtime uses it with `renderTemplate` to resolve values. Pure.
 */
import { SpindleError } from "../errors.ts";

/** One piece of a template: text copied as is, or a reference to an application variable by name. */
export type TemplatePart =
  { readonly kind: "literal"; readonly text: string } | { readonly kind: "variable"; readonly name: string };

/** A malformed template. The manifest validator re-raises it with the file, line and key. */
export class TemplateError extends SpindleError {
  constructor(message: string) {
    super(message, { hint: "close every '{{' with '}}'; templates have no escape for a literal '{{'" });
    this.name = "TemplateError";
  }
}

/**
 * Splits a template into its parts, left to right. An empty template has no parts.
 *
 * @example parseTemplate("https://{{ host }}/api") // literal "https://", variable "host", literal "/api"
 * @throws TemplateError `unmatched '{{' in template` when a `{{` has no closing `}}`.
 */
export function parseTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let rest = text;
  while (rest !== "") {
    if (rest.startsWith("{{")) {
      const close = rest.indexOf("}}", 2);
      if (close < 0) throw new TemplateError("unmatched '{{' in template");
      parts.push({ kind: "variable", name: rest.slice(2, close).trim() });
      rest = rest.slice(close + 2);
    } else {
      const open = rest.indexOf("{{");
      const end = open < 0 ? rest.length : open;
      parts.push({ kind: "literal", text: rest.slice(0, end) });
      rest = rest.slice(end);
    }
  }
  return parts;
}

/** The variable names a template refers to, in order of appearance, without repeats. */
export function templateVariables(parts: readonly TemplatePart[]): string[] {
  const names = parts.flatMap((part) => (part.kind === "variable" ? [part.name] : []));
  return [...new Set(names)];
}

/** Joins the parts back into text, replacing each reference with `resolve(name)`. */
export function renderTemplate(parts: readonly TemplatePart[], resolve: (name: string) => string): string {
  return parts.map((part) => (part.kind === "literal" ? part.text : resolve(part.name))).join("");
}
