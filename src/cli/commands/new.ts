/** `spindle new`: lists the project templates, or creates a new Spin app from one (`src/templates/`). */
import { relative, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { SpindleError } from "../../errors.ts";
import { findTemplate, listTemplates, type TemplateInfo } from "../../templates/catalog.ts";
import { generateProject } from "../../templates/generate.ts";
import { flagOption, listOption, stringOption, type Command } from "../command.ts";

export const newCommand: Command = {
  name: "new",
  usage: `Usage: spindle new [TEMPLATE NAME] [options]

Creates the app NAME in ./NAME (or --output) from TEMPLATE. NAME must be a kebab-case id (e.g. my-app).

Options:
  -l, --list               list the templates
  -o, --output <DIR>       the directory to create the app in (default: ./NAME); must be new or empty
  -v, --value <KEY=VALUE>  a value for a template parameter (repeatable)
      --accept-defaults    use the default for every parameter not given with --value, without asking
`,
  options: {
    list: { type: "boolean", short: "l" },
    output: { type: "string", short: "o" },
    value: { type: "string", short: "v", multiple: true },
    "accept-defaults": { type: "boolean" },
  },
  positionals: true,
  async run(options) {
    if (flagOption(options, "list")) {
      process.stdout.write(formatList(await listTemplates()));
      return 0;
    }
    const [templateId, name, ...extra] = options.positionals;
    if (templateId === undefined || name === undefined || extra.length > 0) {
      throw new SpindleError("spindle new needs a template and a project name", {
        hint: "e.g. `spindle new http-ts my-app`; `spindle new --list` shows the templates",
      });
    }
    const template = await findTemplate(templateId);
    const values = parseValues(listOption(options, "value"));
    if (!flagOption(options, "accept-defaults") && process.stdin.isTTY) await ask(template, values);
    const outputDir = resolve(stringOption(options, "output") ?? name);
    const files = await generateProject({ template, name, values, outputDir });
    process.stdout.write(formatDone(template, outputDir, files));
    return 0;
  },
};

function parseValues(pairs: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) {
      throw new SpindleError(`--value ${JSON.stringify(pair)} is not KEY=VALUE`, {
        hint: "e.g. --value http-path=/api/...",
      });
    }
    values.set(pair.slice(0, equals), pair.slice(equals + 1));
  }
  return values;
}

/** Asks for each parameter not given, offering its default. */
async function ask(template: TemplateInfo, values: Map<string, string>): Promise<void> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (const parameter of template.parameters.filter((p) => !values.has(p.name))) {
      const answer = await terminal.question(`${parameter.prompt} [${parameter.default}]: `);
      values.set(parameter.name, answer.trim() === "" ? parameter.default : answer.trim());
    }
  } finally {
    terminal.close();
  }
}

function formatList(templates: readonly TemplateInfo[]): string {
  const width = Math.max(...templates.map((t) => t.id.length)) + 2;
  return `${templates.map((t) => `${t.id.padEnd(width)}${t.description}`).join("\n")}\n`;
}

function formatDone(template: TemplateInfo, outputDir: string, files: readonly string[]): string {
  const dir = relative(process.cwd(), outputDir) || ".";
  return [
    `Created ${dir} from template ${template.id} (${files.length} files).`,
    "",
    "Next steps:",
    ...(dir === "." ? [] : [`  cd ${dir}`]),
    "  spindle build --up",
    "",
  ].join("\n");
}
