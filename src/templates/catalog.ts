/**
 * The templates `spindle new` offers: each is a folder `<dir>/<id>/` holding `metadata/spin-template.toml`
 * (id, description and the parameters it asks for) and `content/`, the project files with placeholders.
 * Read from disk on each `spindle new`; the built-in set ships in the repository's `templates/` folder.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "smol-toml";
import { SpindleError } from "../errors.ts";

export interface TemplateParameter {
  readonly name: string;
  readonly prompt: string;
  readonly default: string;
  /** A value must match this, when given. */
  readonly pattern: RegExp | undefined;
}

export interface TemplateInfo {
  readonly id: string;
  readonly description: string;
  readonly parameters: readonly TemplateParameter[];
  /** The folder whose files a new project receives. */
  readonly contentDir: string;
}

/** The templates shipped with Spindle. */
export const BUILTIN_TEMPLATES = fileURLToPath(new URL("../../templates/", import.meta.url));

/** Every template under `dir`, sorted by id. */
export async function listTemplates(dir: string = BUILTIN_TEMPLATES): Promise<TemplateInfo[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const ids = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const templates = await Promise.all(ids.map((id) => readTemplate(join(dir, id), id)));
  return templates.sort((a, b) => a.id.localeCompare(b.id));
}

async function readTemplate(dir: string, id: string): Promise<TemplateInfo> {
  const file = join(dir, "metadata", "spin-template.toml");
  const table = parse(await readFile(file, "utf8"));
  const description = table["description"];
  if (table["id"] !== id || typeof description !== "string") {
    throw new SpindleError(`${file}: expected id = "${id}" and a description`, {
      hint: "a template's metadata names its folder as id and says what it creates",
    });
  }
  const parameters = Object.entries(asTable(table["parameters"] ?? {}, file)).map(([name, value]) =>
    readParameter(name, asTable(value, file), file),
  );
  return { id, description, parameters, contentDir: join(dir, "content") };
}

function readParameter(name: string, table: Record<string, unknown>, file: string): TemplateParameter {
  const { prompt, default: fallback, pattern } = table;
  if (typeof prompt !== "string" || typeof fallback !== "string") {
    throw new SpindleError(`${file}: parameter "${name}" needs a prompt and a default`, {
      hint: `write ${name} = { type = "string", prompt = "…", default = "…" }`,
    });
  }
  return {
    name,
    prompt,
    default: fallback,
    pattern: typeof pattern === "string" ? new RegExp(pattern) : undefined,
  };
}

function asTable(value: unknown, file: string): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    return value as Record<string, unknown>;
  }
  throw new SpindleError(`${file}: expected a table of parameters`, {
    hint: "write [parameters] with one inline table per parameter",
  });
}

/** The template with `id`. */
export async function findTemplate(id: string, dir: string = BUILTIN_TEMPLATES): Promise<TemplateInfo> {
  const templates = await listTemplates(dir);
  const template = templates.find((t) => t.id === id);
  if (template === undefined) {
    throw new SpindleError(`no template "${id}"`, {
      hint: `the templates are: ${templates.map((t) => t.id).join(", ")} (see \`spindle new --list\`)`,
    });
  }
  return template;
}
