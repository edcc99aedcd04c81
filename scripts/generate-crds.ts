/**
 * Writes the SpinApp and SpinAppExecutor CRDs to `deploy/crds/` from the schema in
 * `src/kube/crds/schema.ts`, formatted with the repository's Prettier settings. Run after changing the
 * schema: `node scripts/generate-crds.ts`. `src/kube/crds/crds.test.ts` fails while the files are out of
 * date.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { renderCrdFiles } from "../src/kube/crds/crds.ts";

export const CRD_DIRECTORY = fileURLToPath(new URL("../deploy/crds/", import.meta.url));

/** The files as they must appear on disk: the rendered YAML, formatted by Prettier. */
export async function formattedCrdFiles(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(renderCrdFiles())) {
    const path = join(CRD_DIRECTORY, name);
    const options = (await resolveConfig(path)) ?? {};
    out[name] = await format(text, { ...options, filepath: path });
  }
  return out;
}

if (import.meta.main) {
  mkdirSync(CRD_DIRECTORY, { recursive: true });
  for (const [name, text] of Object.entries(await formattedCrdFiles())) {
    writeFileSync(join(CRD_DIRECTORY, name), text);
    console.log(`wrote deploy/crds/${name}`);
  }
}
