/**
 * What `spindle new` accepts as a project name: the name becomes the application name and, in kebab case,
 * the component id, the npm package name and the Wasm file name, so it must be a Spin KebabId. Pure.
 */
import { kebabIdProblem } from "../manifest/ids.ts";
import { SpindleError } from "../errors.ts";

/** @throws SpindleError naming the problem and showing a name that would work. */
export function checkProjectName(name: string): void {
  const problem = kebabIdProblem(name);
  if (problem === undefined) return;
  const fixed = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+|-+$/g, "");
  throw new SpindleError(`invalid project name ${JSON.stringify(name)}: ${problem}`, {
    hint: `use letters, digits and '-' starting with a letter${fixed === "" ? "" : `, e.g. "${fixed}"`}`,
  });
}
