/**
 * The placeholder language of Spindle's project templates: `{{ name }}` or `{{ name | filter }}`, where
 * `name` is a template parameter (`project-name`, `http-path`, …) and the filter changes the case of the
 * value. Only names with a hyphen are placeholders: a `{{ snake_name }}` is a Spin variable reference that
 * the rendered `spin.toml` must keep, so it is copied untouched. Pure; used by `spindle new`.
 */
import { SpindleError } from "../errors.ts";

const FILTERS: Readonly<Record<string, (value: string) => string>> = {
  kebab_case: (value) => words(value).join("-"),
  snake_case: (value) => words(value).join("_"),
  pascal_case: (value) =>
    words(value)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(""),
};

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_-]+)\s*(?:\|\s*([A-Za-z_]+)\s*)?\}\}/g;

/**
 * Replaces every placeholder in `text` with its parameter's value, passed through the filter if any.
 *
 * @example renderPlaceholders("[component.{{project-name | snake_case}}]", new Map([["project-name", "my-app"]]))
 *   // "[component.my_app]"
 * @throws SpindleError for a placeholder naming an unknown parameter or filter; `where` names the file.
 */
export function renderPlaceholders(
  text: string,
  values: ReadonlyMap<string, string>,
  where = "template",
): string {
  return text.replace(PLACEHOLDER, (whole, name: string, filter: string | undefined) => {
    if (!name.includes("-")) return whole;
    const value = values.get(name);
    if (value === undefined) {
      throw new SpindleError(`${where}: unknown template parameter "${name}" in ${whole}`, {
        hint: `the parameters are: ${[...values.keys()].join(", ")}`,
      });
    }
    if (filter === undefined) return value;
    const apply = FILTERS[filter];
    if (apply === undefined) {
      throw new SpindleError(`${where}: unknown filter "${filter}" in ${whole}`, {
        hint: `the filters are: ${Object.keys(FILTERS).join(", ")}`,
      });
    }
    return apply(value);
  });
}

/** Lower-case words of `value`, split at non-alphanumerics and at lower-to-upper case changes. */
function words(value: string): string[] {
  return value
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w.toLowerCase());
}
