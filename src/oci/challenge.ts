/**
 * Parses `WWW-Authenticate` headers (RFC 7235) into challenges: the scheme (`bearer`, `basic`, …) and its
 * parameters (`realm`, `service`, `scope`, …). A registry answers `/v2/` and any unauthorised request with
 * one; the auth flow in `auth.ts` picks the scheme it can satisfy. Pure.
 */

export interface Challenge {
  /** Lower-case scheme name, e.g. `bearer`. */
  readonly scheme: string;
  /** Parameters by lower-case name, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** All challenges in a header value, in order; malformed tails are dropped, never thrown. */
export function parseChallenges(header: string): Challenge[] {
  const scanner = new Scanner(header);
  const challenges: Challenge[] = [];
  for (;;) {
    scanner.skip(/^[\s,]+/);
    const scheme = scanner.take(TOKEN);
    if (scheme === undefined) return challenges;
    challenges.push({ scheme: scheme.toLowerCase(), params: readParams(scanner) });
  }
}

function readParams(scanner: Scanner): Record<string, string> {
  const params: Record<string, string> = {};
  for (;;) {
    const mark = scanner.position;
    scanner.skip(/^[\s,]+/);
    const name = scanner.take(TOKEN);
    scanner.skip(/^\s+/);
    if (name === undefined || !scanner.consume("=")) {
      scanner.position = mark;
      return params;
    }
    scanner.skip(/^\s+/);
    const value = scanner.peek() === '"' ? scanner.quoted() : scanner.take(TOKEN);
    if (value === undefined) {
      // A parameter without a readable value: the rest cannot be trusted, so the parse ends here.
      scanner.position = Number.POSITIVE_INFINITY;
      return params;
    }
    params[name.toLowerCase()] = value;
  }
}

class Scanner {
  readonly #text: string;
  position = 0;
  constructor(text: string) {
    this.#text = text;
  }
  peek(): string | undefined {
    return this.#text[this.position];
  }
  skip(pattern: RegExp): void {
    this.take(pattern);
  }
  take(pattern: RegExp): string | undefined {
    const match = pattern.exec(this.#text.slice(this.position));
    if (match === null) return undefined;
    this.position += match[0].length;
    return match[0];
  }
  consume(char: string): boolean {
    if (this.peek() !== char) return false;
    this.position += 1;
    return true;
  }
  /** A quoted-string starting at the current `"`; `\x` stands for `x`. Unterminated → undefined. */
  quoted(): string | undefined {
    let value = "";
    for (let i = this.position + 1; i < this.#text.length; i++) {
      const char = this.#text[i] as string;
      if (char === '"') {
        this.position = i + 1;
        return value;
      }
      if (char === "\\") i += 1;
      value += this.#text[i] ?? "";
    }
    return undefined;
  }
}
