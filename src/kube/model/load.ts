/**
 * Reads SpinApp and SpinAppExecutor objects from YAML text (one or more `---`-separated documents), in
 * either API group, into the internal model. Objects of other kinds are returned untouched so that a
 * manifest mixing Secrets or ConfigMaps with SpinApps can be read in one go.
 */
import { parseAllDocuments } from "yaml";
import { SpindleError } from "../../errors.ts";
import { isRecord } from "./legacy.ts";
import { parseSpinApp, parseSpinAppExecutor } from "./parse.ts";
import type { KubeObject, SpinApp, SpinAppExecutor } from "./types.ts";

export interface KubeDocuments {
  readonly apps: readonly SpinApp[];
  readonly executors: readonly SpinAppExecutor[];
  readonly others: readonly KubeObject[];
}

/** Parses every document of `text`; `source` names the file in error messages. */
export function loadKubeYaml(text: string, source = "<input>"): KubeDocuments {
  const apps: SpinApp[] = [];
  const executors: SpinAppExecutor[] = [];
  const others: KubeObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    const problem = doc.errors[0];
    if (problem !== undefined) {
      throw new SpindleError(`${source}: invalid YAML: ${problem.message}`, {
        hint: "Fix the YAML syntax at the position shown.",
      });
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) {
      throw new SpindleError(`${source}: a document is not a Kubernetes object`, {
        hint: "Each YAML document must be a mapping with apiVersion, kind and metadata.",
      });
    }
    if (value["kind"] === "SpinApp") apps.push(parseSpinApp(value, source));
    else if (value["kind"] === "SpinAppExecutor") executors.push(parseSpinAppExecutor(value, source));
    else others.push(value);
  }
  return { apps, executors, others };
}
