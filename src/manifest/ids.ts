/**
 * Identifier rules of the manifest, as Spin applies them: KebabId (component ids and trigger component
 * references), SnakeId and LowerSnakeId (variable names). Each check returns the problem as Spin words
 * it, or `undefined` when the id is valid. Pure; used by the manifest validators.
 */

type Delimiter = "-" | "_";

/** Why `id` is not a KebabId (`my-component`, `API-v2`), or `undefined` when it is one. */
export function kebabIdProblem(id: string): string | undefined {
  return idProblem(id, "-", false);
}

/** Why `id` is not a SnakeId (`my_store`, `API_v2`), or `undefined` when it is one. */
export function snakeIdProblem(id: string): string | undefined {
  return idProblem(id, "_", false);
}

/** Why `id` is not a LowerSnakeId (`api_key`), or `undefined` when it is one. */
export function lowerSnakeIdProblem(id: string): string | undefined {
  return idProblem(id, "_", true);
}

function idProblem(id: string, delimiter: Delimiter, lowerOnly: boolean): string | undefined {
  if (id === "") return "an id must not be empty";
  const wrong = delimiter === "-" ? "_" : "-";
  if (id.includes(wrong)) return `words must be separated with '${delimiter}', not '${wrong}'`;
  for (const word of id.split(delimiter)) {
    const problem = wordProblem(word, delimiter);
    if (problem !== undefined) return problem;
    if (lowerOnly && isUpper(word.charAt(0))) {
      return `Lower-case identifiers must be all lowercase; got ${JSON.stringify(id)}`;
    }
  }
  return undefined;
}

function wordProblem(word: string, delimiter: Delimiter): string | undefined {
  const first = word.charAt(0);
  if (first === "") return `'${delimiter}'-separated words must not be empty`;
  if (!/^[A-Za-z]$/.test(first)) {
    return `'${delimiter}'-separated words must start with an ASCII letter; got '${first}'`;
  }
  const upper = isUpper(first);
  for (const ch of word.slice(1)) {
    if (!/^[A-Za-z0-9]$/.test(ch)) {
      return `'${delimiter}'-separated words may only contain alphanumeric ASCII; got '${ch}'`;
    }
    if (/^[A-Za-z]$/.test(ch) && isUpper(ch) !== upper) {
      return `'${delimiter}'-separated words must be all lowercase or all UPPERCASE; got ${JSON.stringify(word)}`;
    }
  }
  return undefined;
}

function isUpper(ch: string): boolean {
  return ch >= "A" && ch <= "Z";
}
