/**
 * The name check of the `variables.get` host call, Spin's runtime key rules (looser than the manifest's):
 * non-empty, only `a-z`, `0-9` and `_`, starting with a lower-case letter, ending with a letter or digit,
 * no `__`. Pure.
 */

/** Why `name` is not a valid variable name, or undefined when it is. */
export function invalidNameReason(name: string): string | undefined {
  if (name === "") return "must not be empty";
  const bad = /[^a-z0-9_]/.exec(name);
  if (bad !== null)
    return `invalid character '${bad[0]}': only lower-case letters, digits and '_' are allowed`;
  if (!/^[a-z]/.test(name)) return "must start with a lower-case letter";
  if (name.endsWith("_")) return "must end with a letter or digit";
  if (name.includes("__")) return "must not contain '__'";
  return undefined;
}
