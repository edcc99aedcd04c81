/**
 * Writes the SpinApp and SpinAppExecutor CRDs to `deploy/crds/` and to the Helm chart's `crds/` from the
 * schema in `src/kube/crds/schema.ts`, formatted with the repository's Prettier settings. Run after
 * changing the schema: `node scripts/generate-crds.ts`. `src/kube/crds/crds.test.ts` fails while either
 * copy is out of date.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { renderCrdFiles } from "../src/kube/crds/crds.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** Where the CRDs are written, relative to the repository root: the plain manifests and the chart's. */
export const CRD_DIRECTORIES = ["deploy/crds", "charts/spindle-operator/crds"];

/** The files as they must appear on disk, in each directory: the rendered YAML, formatted by Prettier. */
export async function formattedCrdFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(renderCrdFiles())) {
    const path = join(ROOT, "deploy/crds", name);
    const options = (await resolveConfig(path)) ?? {};
    out[name] = await format(text, { ...options, filepath: path });
  }
  return out;
}

if (import.meta.main) {
  const files = Object.entries(await formattedCrdFiles());
  for (const directory of CRD_DIRECTORIES) {
    mkdirSync(join(ROOT, directory), { recursive: true });
    for (const [name, text] of files) {
      writeFileSync(join(ROOT, directory, name), text);
      console.log(`wrote ${directory}/${name}`);
    }
  }
}
