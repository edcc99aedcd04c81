/**
 * The TOML encoding SpinKube's runtime-config Secret uses (go-toml v2's `Marshal` rules): literal
 * single-quoted strings where possible, bare keys where possible, sorted map keys, and blank lines between
 * tables. Byte-exactness matters: the Secret is named after a checksum of these bytes. Pure.
 */

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
// eslint-disable-next-line no-control-regex
const NOT_LITERAL = /['\r\n\u0000-\u0008\u000b-\u001f\u007f]/;
const ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** A string value: `'…'` unless that cannot hold it, then `"…"` with escapes. */
export function tomlString(value: string): string {
  if (!NOT_LITERAL.test(value)) return `'${value}'`;
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    const escaped = ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A key: bare when it can be, else quoted like a string (`''` for the empty key). */
export function tomlKey(key: string): string {
  return BARE_KEY.test(key) ? key : tomlString(key);
}

/** `key = 'value'` lines for a flat string table, keys in byte order. */
export function tomlPairs(table: Readonly<Record<string, string>>): string {
  return Object.keys(table)
    .sort(byteOrder)
    .map((key) => `${tomlKey(key)} = ${tomlString(table[key] ?? "")}\n`)
    .join("");
}

export function byteOrder(a: string, b: string): number {
  const left = Buffer.from(a);
  return left.compare(Buffer.from(b));
}
