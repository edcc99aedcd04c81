/**
 * Creates a project from a template: works out the parameter values, renders every file of the template's
 * content (names and text; binary files are copied as they are) and writes them into a new or empty
 * directory. Everything is rendered before anything is written, so a bad template leaves no half project.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { SpindleError } from "../errors.ts";
import type { TemplateInfo } from "./catalog.ts";
import { renderPlaceholders } from "./placeholders.ts";
import { checkProjectName } from "./project-name.ts";

export interface GenerateOptions {
  readonly template: TemplateInfo;
  readonly name: string;
  /** Values for the template's parameters; a parameter without one takes its default. */
  readonly values: ReadonlyMap<string, string>;
  readonly outputDir: string;
}

/**
 * The value of every placeholder: `project-name` and each template parameter.
 *
 * @throws SpindleError for a bad name, a value for no parameter, or a value that breaks a pattern.
 */
export function resolveValues(
  template: TemplateInfo,
  name: string,
  given: ReadonlyMap<string, string>,
): Map<string, string> {
  checkProjectName(name);
  const known = new Set(template.parameters.map((p) => p.name));
  for (const key of given.keys()) {
    if (!known.has(key)) {
      throw new SpindleError(`template ${template.id} has no parameter "${key}"`, {
        hint: `its parameters are: ${[...known].join(", ") || "none"}`,
      });
    }
  }
  const values = new Map([["project-name", name]]);
  for (const parameter of template.parameters) {
    const value = given.get(parameter.name) ?? parameter.default;
    if (parameter.pattern !== undefined && !parameter.pattern.test(value)) {
      throw new SpindleError(`invalid value ${JSON.stringify(value)} for ${parameter.name}`, {
        hint: `${parameter.prompt} must match ${parameter.pattern.source}`,
      });
    }
    values.set(parameter.name, value);
  }
  return values;
}

/** Writes the project; resolves with the paths written, relative to `outputDir`, sorted. */
export async function generateProject(options: GenerateOptions): Promise<string[]> {
  const values = resolveValues(options.template, options.name, options.values);
  await ensureEmpty(options.outputDir);
  const files = await renderContent(options.template.contentDir, values);
  for (const [path, content] of files) {
    const target = join(options.outputDir, path);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return [...files.keys()].sort();
}

async function ensureEmpty(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw new SpindleError(`cannot use ${dir} for the new project: ${error.message}`, { cause: error });
  });
  if (entries.length > 0) {
    throw new SpindleError(`directory ${dir} already exists and is not empty`, {
      hint: "choose another name or --output directory, or remove that one first",
    });
  }
}

async function renderContent(
  contentDir: string,
  values: ReadonlyMap<string, string>,
): Promise<Map<string, Uint8Array | string>> {
  const entries = await readdir(contentDir, { recursive: true, withFileTypes: true });
  const files = new Map<string, Uint8Array | string>();
  for (const entry of entries.filter((e) => e.isFile())) {
    const source = join(entry.parentPath, entry.name);
    const path = relative(contentDir, source);
    const bytes = await readFile(source);
    const where = `template file ${path}`;
    files.set(
      renderPlaceholders(path, values, where),
      bytes.includes(0) ? bytes : renderPlaceholders(bytes.toString("utf8"), values, where),
    );
  }
  return files;
}
