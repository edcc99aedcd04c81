/**
 * Finds the line of each key in a TOML document, because the TOML parser reports positions only for
 * syntax errors. Keys are dotted paths as the manifest validator names them: `component.hello.source`,
 * `component.hello.files[1]`, `trigger.http[0].route`. It understands table headers, arrays of tables,
 * dotted and quoted keys, inline tables and arrays; it runs only on text the TOML parser accepted, and where
 * it cannot follow the text it stops and returns what it found so far. Pure; one scan per manifest.
 */

/** Map from dotted key path to its 1-based line. A parent path maps to the first line that mentions it. */
export function locateKeys(text: string): Map<string, number> {
  const scanner = new KeyScanner(text);
  scanner.run();
  return scanner.lines;
}

/** Appends a key to a dotted path. */
export function joinKey(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** Drops the last key or `[index]` of a dotted path; `undefined` at the top. */
export function parentKey(path: string): string | undefined {
  const cut = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
  return cut <= 0 ? undefined : path.slice(0, cut);
}

const BARE_KEY = /[A-Za-z0-9_-]/;

class KeyScanner {
  readonly lines = new Map<string, number>();
  readonly #text: string;
  #pos = 0;
  #line = 1;
  /** Number of elements seen so far in each array of tables, by resolved path. */
  readonly #arrayCounts = new Map<string, number>();

  constructor(text: string) {
    this.#text = text;
  }

  run(): void {
    let table = "";
    for (;;) {
      this.#skipBlank();
      if (this.#pos >= this.#text.length) return;
      const start = this.#pos;
      if (this.#peek() === "[") table = this.#header();
      else this.#keyValue(table);
      if (this.#pos === start) return;
    }
  }

  #header(): string {
    const isArray = this.#text.startsWith("[[", this.#pos);
    this.#pos += isArray ? 2 : 1;
    const keys = this.#key();
    this.#skipSpaces();
    this.#pos += isArray ? 2 : 1;
    let path = "";
    keys.forEach((key, index) => {
      path = joinKey(path, key);
      const count = this.#arrayCounts.get(path);
      if (isArray && index === keys.length - 1) {
        this.#arrayCounts.set(path, (count ?? 0) + 1);
        path = `${path}[${count ?? 0}]`;
      } else if (count !== undefined) {
        path = `${path}[${count - 1}]`;
      }
    });
    this.#record(path);
    return path;
  }

  #keyValue(table: string): void {
    const keys = this.#key();
    if (keys.length === 0) return;
    const path = keys.reduce(joinKey, table);
    this.#record(path);
    this.#skipSpaces();
    if (this.#peek() !== "=") return;
    this.#pos += 1;
    this.#skipSpaces();
    this.#value(path);
  }

  #value(path: string): void {
    const ch = this.#peek();
    if (ch === "{") this.#inlineTable(path);
    else if (ch === "[") this.#array(path);
    else if (ch === '"' || ch === "'") this.#string();
    else while (this.#pos < this.#text.length && !",]}\n\r#".includes(this.#peek())) this.#pos += 1;
  }

  #inlineTable(path: string): void {
    this.#pos += 1;
    for (;;) {
      this.#skipBlank();
      if (this.#peek() === "}" || this.#pos >= this.#text.length) break;
      const start = this.#pos;
      this.#keyValue(path);
      this.#skipBlank();
      if (this.#peek() === ",") this.#pos += 1;
      else if (this.#pos === start) return;
    }
    this.#pos += 1;
  }

  #array(path: string): void {
    this.#pos += 1;
    for (let index = 0; ; index += 1) {
      this.#skipBlank();
      if (this.#peek() === "]" || this.#pos >= this.#text.length) break;
      const start = this.#pos;
      const element = `${path}[${index}]`;
      this.#record(element);
      this.#value(element);
      this.#skipBlank();
      if (this.#peek() === ",") this.#pos += 1;
      else if (this.#pos === start) return;
    }
    this.#pos += 1;
  }

  /** A dotted key; each part bare or quoted. Empty when no key starts here. */
  #key(): string[] {
    const keys: string[] = [];
    for (;;) {
      this.#skipSpaces();
      const key = this.#keyPart();
      if (key === undefined) return keys;
      keys.push(key);
      this.#skipSpaces();
      if (this.#peek() !== ".") return keys;
      this.#pos += 1;
    }
  }

  #keyPart(): string | undefined {
    const ch = this.#peek();
    if (ch === '"' || ch === "'") {
      const start = this.#pos;
      this.#string();
      const raw = this.#text.slice(start + 1, this.#pos - 1);
      return ch === "'" ? raw : unescapeBasic(raw);
    }
    const start = this.#pos;
    while (BARE_KEY.test(this.#peek())) this.#pos += 1;
    return this.#pos > start ? this.#text.slice(start, this.#pos) : undefined;
  }

  /** Skips one string of any of the four kinds, counting the lines it spans. */
  #string(): void {
    const quote = this.#peek();
    const multiline = this.#text.startsWith(quote.repeat(3), this.#pos);
    const delimiter = multiline ? quote.repeat(3) : quote;
    this.#pos += delimiter.length;
    while (this.#pos < this.#text.length && !this.#text.startsWith(delimiter, this.#pos)) {
      if (quote === '"' && this.#peek() === "\\") this.#advance();
      this.#advance();
    }
    this.#pos += delimiter.length;
    // A multi-line string may end with up to two extra quotes before its delimiter.
    while (multiline && this.#peek() === quote) this.#pos += 1;
  }

  #skipSpaces(): void {
    while (this.#peek() === " " || this.#peek() === "\t") this.#pos += 1;
  }

  /** Skips spaces, line breaks and comments. */
  #skipBlank(): void {
    for (;;) {
      const ch = this.#peek();
      if (ch === "#") {
        while (this.#pos < this.#text.length && this.#peek() !== "\n") this.#pos += 1;
      } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
        this.#advance();
      } else {
        return;
      }
    }
  }

  #advance(): void {
    if (this.#peek() === "\n") this.#line += 1;
    this.#pos += 1;
  }

  #peek(): string {
    return this.#text.charAt(this.#pos);
  }

  #record(path: string): void {
    for (let key: string | undefined = path; key !== undefined; key = parentKey(key)) {
      if (!this.lines.has(key)) this.lines.set(key, this.#line);
    }
  }
}

function unescapeBasic(raw: string): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}
