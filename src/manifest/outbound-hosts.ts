/**
 * A component's network permissions: `allowed_outbound_hosts`, plus the deprecated `allowed_http_hosts`
 * converted and appended with a warning. Each entry is checked against the grammar; an entry with
 * templates is checked after substituting variable defaults, when every variable it uses has one. Part of
 * manifest validation; enforcement parses the kept raw strings again at run time. Pure.
 */
import { convertAllowedHttpHosts } from "./allowed-http-hosts.ts";
import { AllowedHostError, isOptionalEndpoint, parseAllowedHost } from "./allowed-hosts.ts";
import { SpindleError } from "../errors.ts";
import { joinKey } from "./key-lines.ts";
import { optionalStringArray, type ManifestReader, type TomlTable } from "./reader.ts";
import { renderTemplate, type TemplatePart } from "./template.ts";
import { checkTemplate, type Variables } from "./variables.ts";

/** The component's outbound host entries as written, deprecated ones converted and appended. */
export function readOutboundHosts(
  r: ManifestReader,
  component: TomlTable,
  keyPath: string,
  variables: Variables,
): string[] {
  const outboundPath = joinKey(keyPath, "allowed_outbound_hosts");
  const outbound = optionalStringArray(r, component, keyPath, "allowed_outbound_hosts");
  outbound.forEach((entry, index) => checkEntry(r, entry, `${outboundPath}[${index}]`, variables));
  const converted = convertedHttpHosts(r, component, keyPath);
  const httpPath = joinKey(keyPath, "allowed_http_hosts");
  converted.forEach((entry) => checkEntry(r, entry, httpPath, variables));
  return [...outbound, ...converted];
}

function convertedHttpHosts(r: ManifestReader, component: TomlTable, keyPath: string): string[] {
  const keyPathHttp = joinKey(keyPath, "allowed_http_hosts");
  const deprecated = optionalStringArray(r, component, keyPath, "allowed_http_hosts");
  let converted: string[];
  try {
    converted = convertAllowedHttpHosts(deprecated);
  } catch (error) {
    if (!(error instanceof SpindleError)) throw error;
    return r.fail(keyPathHttp, error.message, error.hint);
  }
  if (converted.length > 0) {
    const list = converted.map((entry) => JSON.stringify(entry)).join(", ");
    r.warn(
      `${keyPathHttp}: use of the deprecated field \`allowed_http_hosts\` - to fix, replace \`allowed_http_hosts\` with \`allowed_outbound_hosts = [${list}]\``,
    );
  }
  return converted;
}

function checkEntry(r: ManifestReader, entry: string, keyPath: string, variables: Variables): void {
  const parts = checkTemplate(r, entry, keyPath, variables);
  if (parts.every((part) => part.kind === "literal")) {
    parse(r, entry, keyPath);
    return;
  }
  const resolved = withDefaults(parts, variables);
  if (resolved === undefined || isOptionalEndpoint(resolved)) return;
  try {
    parseAllowedHost(resolved);
  } catch (error) {
    if (!(error instanceof AllowedHostError)) throw error;
    const template = renderTemplate(parts, (name) => `{{ ${name} }}`);
    r.fail(
      keyPath,
      `using default variable value(s) with template ${JSON.stringify(template)} results in invalid config ${JSON.stringify(resolved)}: ${error.message}`,
      "fix the variable's `default` so that the entry becomes <scheme>://<host>[:<port>]",
    );
  }
}

/** The template rendered with variable defaults, or `undefined` if some variable has none. */
function withDefaults(parts: readonly TemplatePart[], variables: Variables): string | undefined {
  const missing = parts.some(
    (part) => part.kind === "variable" && variables.get(part.name)?.default === undefined,
  );
  return missing ? undefined : renderTemplate(parts, (name) => variables.get(name)?.default ?? "");
}

function parse(r: ManifestReader, entry: string, keyPath: string): void {
  try {
    parseAllowedHost(entry);
  } catch (error) {
    if (!(error instanceof AllowedHostError)) throw error;
    r.fail(
      keyPath,
      `invalid \`allowed_outbound_hosts\` entry ${JSON.stringify(entry)}: ${error.message}`,
      error.hint,
    );
  }
}
