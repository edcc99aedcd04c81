/**
 * The patches the FAKE API server (fake-kube.ts) applies besides server-side apply: JSON merge patch
 * (RFC 7386) and JSON patch (RFC 6902), pure functions on JSON values. Strategic merge patch is not
 * here: the API server refuses it for custom resources, and the fake refuses it for built-in kinds too,
 * since it knows none of their patch strategies (list merge keys).
 */

type Json = Record<string, unknown>;

export const APPLY_PATCH = "application/apply-patch+yaml";
export const MERGE_PATCH = "application/merge-patch+json";
export const JSON_PATCH = "application/json-patch+json";
export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

/** A patch that cannot be applied, with the HTTP status the API server answers it with. */
export class PatchError extends Error {
  readonly code: 400 | 422;
  constructor(code: 400 | 422, message: string) {
    super(message);
    this.code = code;
  }
}

/** The media type of a Content-Type header, without parameters (`; charset=utf-8`). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** RFC 7386: objects merge key by key, `null` removes a key, anything else replaces the target. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Json = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

interface Operation {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

/** RFC 6902: applies the operations in order to a copy of `document`; any failure fails the whole patch. */
export function jsonPatch(document: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) {
    throw new PatchError(400, "a JSON patch must be an array of operations");
  }
  let result = structuredClone(document);
  for (const operation of operations as Operation[]) result = applyOperation(result, operation);
  return result;
}

function applyOperation(document: unknown, operation: Operation): unknown {
  const { op, path } = operation;
  if (typeof path !== "string") throw new PatchError(400, `operation "${op}" has no path`);
  switch (op) {
    case "add":
      return add(document, pointer(path), required(operation, "value"));
    case "remove":
      return remove(document, pointer(path)).document;
    case "replace":
      return add(remove(document, pointer(path)).document, pointer(path), required(operation, "value"));
    case "move": {
      const taken = remove(document, pointer(String(required(operation, "from"))));
      return add(taken.document, pointer(path), taken.value);
    }
    case "copy":
      return add(
        document,
        pointer(path),
        structuredClone(get(document, pointer(String(required(operation, "from"))))),
      );
    case "test":
      if (JSON.stringify(get(document, pointer(path))) !== JSON.stringify(operation.value)) {
        throw new PatchError(422, `testing value ${path} failed`);
      }
      return document;
    default:
      throw new PatchError(400, `unknown JSON patch operation "${String(op)}"`);
  }
}

function required(operation: Operation, field: "value" | "from"): unknown {
  if (!(field in operation)) throw new PatchError(400, `operation "${operation.op}" has no "${field}"`);
  return operation[field];
}

/** The reference tokens of a JSON pointer (RFC 6901), `~1` and `~0` unescaped. */
function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw new PatchError(400, `"${path}" is not a JSON pointer`);
  return path
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function get(document: unknown, tokens: readonly string[]): unknown {
  let value = document;
  for (const token of tokens) {
    const next = child(value, token);
    if (next === undefined) throw new PatchError(422, `missing value at /${tokens.join("/")}`);
    value = next;
  }
  return value;
}

function child(container: unknown, token: string): unknown {
  if (Array.isArray(container)) return /^(0|[1-9]\d*)$/.test(token) ? container[Number(token)] : undefined;
  return isObject(container) && Object.hasOwn(container, token) ? container[token] : undefined;
}

function add(document: unknown, tokens: readonly string[], value: unknown): unknown {
  const last = tokens.at(-1);
  if (last === undefined) return value;
  const parent = get(document, tokens.slice(0, -1));
  if (Array.isArray(parent)) {
    const index = last === "-" ? parent.length : Number(last);
    if (!/^(0|[1-9]\d*|-)$/.test(last) || index > parent.length) {
      throw new PatchError(422, `index ${last} is out of bounds at /${tokens.join("/")}`);
    }
    parent.splice(index, 0, value);
  } else if (isObject(parent)) {
    parent[last] = value;
  } else {
    throw new PatchError(422, `cannot add to a scalar at /${tokens.join("/")}`);
  }
  return document;
}

function remove(document: unknown, tokens: readonly string[]): { document: unknown; value: unknown } {
  const value = get(document, tokens);
  const last = tokens.at(-1);
  if (last === undefined) return { document: undefined, value };
  const parent = get(document, tokens.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as Json)[last];
  return { document, value };
}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
