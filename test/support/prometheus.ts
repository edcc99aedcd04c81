/**
 * Scrapes an admin listener's `/metrics` and parses it with a strict Prometheus text-format (0.0.4) parser:
 * every line must be a well-formed `# HELP`, `# TYPE`, comment or sample; a sample must belong to the family
 * declared before it (with `_bucket`/`_sum`/`_count` only for histograms and summaries); families must not
 * repeat; label values must be properly escaped; histogram buckets must be cumulative and end in `+Inf`
 * equal to `_count`. Tests then assert what a Prometheus server would read, not substrings of the text.
 */
import type { RunningApp } from "./cli.ts";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)/y;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const declared = new Set<string>();
  let current: Family | undefined;
  const lines = text.split("\n");
  if (lines.pop() !== "") throw new Error("the exposition must end with a newline");
  lines.forEach((line, index) => {
    const fail = (why: string) => new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      const [, kind, name = "", rest = ""] = meta;
      if (!NAME.test(name)) throw fail("bad metric name");
      if (declared.has(`${kind} ${name}`)) throw fail(`${kind} repeated`);
      declared.add(`${kind} ${name}`);
      if (current?.name !== name) {
        if (families.has(name)) throw fail("family repeated");
        current = { name, type: "untyped", help: "", samples: [] };
        families.set(name, current);
      }
      if (kind === "TYPE" && !TYPES.has(rest)) throw fail("unknown type");
      if (kind === "TYPE") (current as { type: string }).type = rest;
      else (current as { help: string }).help = rest;
      return;
    }
    if (line === "" || line.startsWith("#")) return;
    const parsed = parseSample(line, fail);
    if (current === undefined || !belongs(parsed.name, current)) throw fail("sample outside its family");
    current.samples.push(parsed);
  });
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

function parseSample(line: string, fail: (why: string) => Error): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^]*)\})? (\S+)(?: -?\d+)?$/.exec(line);
  if (match === null) throw fail("malformed sample");
  const [, name = "", body = "", raw = ""] = match;
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < body.length) {
    const label = LABEL.exec(body);
    if (label === null) throw fail("malformed labels");
    const [, key = "", escaped = ""] = label;
    if (key in labels) throw fail(`label ${key} repeated`);
    labels[key] = escaped.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
  }
  return { name, labels, value: parseValue(raw, fail) };
}

/** A sample value as Prometheus reads it (Go's ParseFloat): NaN and Inf in any letter case, as prom-client
 * writes `Nan`. */
function parseValue(raw: string, fail: (why: string) => Error): number {
  const special = SPECIAL_VALUES.get(raw.toLowerCase());
  if (special !== undefined) return special;
  const value = Number(raw);
  if (Number.isNaN(value) || raw.trim() === "") throw fail("bad value");
  return value;
}

const SPECIAL_VALUES = new Map([
  ["nan", NaN],
  ["+inf", Infinity],
  ["inf", Infinity],
  ["-inf", -Infinity],
]);

function belongs(sample: string, family: Family): boolean {
  if (sample === family.name) return family.type !== "histogram";
  const suffix = sample.slice(family.name.length);
  if (!sample.startsWith(family.name)) return false;
  if (family.type === "histogram") return ["_bucket", "_sum", "_count"].includes(suffix);
  return family.type === "summary" && ["_sum", "_count"].includes(suffix);
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  for (const s of family.samples.filter((s) => s.name.endsWith("_bucket"))) {
    const { le, ...rest } = s.labels;
    if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
    const key = JSON.stringify(rest);
    series.set(key, [...(series.get(key) ?? []), s]);
  }
  for (const [key, buckets] of series) {
    const counts = buckets.map((b) => b.value);
    if (counts.some((c, i) => i > 0 && c < (counts[i - 1] as number)))
      throw new Error(`${family.name}${key}: buckets not cumulative`);
    const last = buckets.at(-1);
    const count = family.samples.find(
      (s) => s.name === `${family.name}_count` && JSON.stringify(s.labels) === key,
    );
    if (last?.labels["le"] !== "+Inf" || count?.value !== last.value)
      throw new Error(`${family.name}${key}: the +Inf bucket must equal _count`);
  }
}

/** The admin listener's base URL, from the `Admin endpoint:` line `spindle up --admin-listen` prints. */
export function adminUrl(app: RunningApp): string {
  const match = /^Admin endpoint: (http:\/\/\S+)/m.exec(app.output().stdout);
  if (match?.[1] === undefined) throw new Error(`no Admin endpoint line in:\n${app.output().stdout}`);
  return match[1];
}

export async function scrape(admin: string): Promise<Map<string, Family>> {
  const response = await fetch(`${admin}/metrics`);
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const type = response.headers.get("content-type") ?? "";
  if (!type.startsWith("text/plain; version=0.0.4")) throw new Error(`unexpected content-type ${type}`);
  return parsePrometheusText(await response.text());
}

/** The sum of the samples named `name` whose labels include `labels` (0 when there are none). */
export function value(
  families: ReadonlyMap<string, Family>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  const family = families.get(name.replace(/_(bucket|sum|count)$/, "")) ?? families.get(name);
  return (family?.samples ?? [])
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}
