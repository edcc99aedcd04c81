/**
 * The HTTP trigger's router: a pure function from the app's HTTP routes and a request path to the trigger
 * that serves it, reproducing Spin's routing exactly (Spin's route normalisation on top of routefinder 0.5.4,
 * reference §2.3). A `Router` is built once per loaded app and shared by every request; `match` is on the
 * request path, so all parsing and ordering happens at build time and a match is one linear scan with no
 * regular expressions. Reserved `/.well-known/spin/` paths are answered by the caller before routing.
 */
import { SpindleError } from "../../errors.ts";
import { routefinderOrder } from "./route-order.ts";

/** One `[[trigger.http]]` as the router needs it, in manifest order. */
export interface HttpRouteInput {
  readonly triggerId: string;
  readonly component: string;
  /** The manifest `route`: a pattern, or `{ private = true }` for a trigger only reachable by chaining. */
  readonly route: string | { readonly private: boolean };
}

/** A routable trigger, with its route exactly as written in the manifest. */
export interface RouteEntry {
  readonly triggerId: string;
  readonly component: string;
  readonly route: string;
}

/** A route written twice: the earlier trigger is never used (Spin keeps the last one). */
export interface DuplicateRoute {
  readonly replaced: RouteEntry;
  /** The trigger that replaced it; it may itself be replaced by a later duplicate. */
  readonly effective: RouteEntry;
  /** The route as Spin prints it in its warning: normalised, `/` for the root. */
  readonly printedRoute: string;
}

export interface RouteMatch {
  readonly entry: RouteEntry;
  /** The normalised route (`spin-matched-route`): leading `/` added, one trailing `/` removed, `""` for `/`. */
  readonly matchedRoute: string;
  /** The manifest route without a trailing `/...` (`spin-component-route`). */
  readonly componentRoute: string;
  /** `:name` captures in route order, raw (not percent-decoded). */
  readonly params: readonly (readonly [name: string, value: string])[];
  /** The part of the path the trailing wildcard matched, keeping the request's trailing `/`; `""` for exact routes. */
  readonly pathInfo: string;
}

const ROUTE_HINT =
  "Write the route as `/path`, with `:name` for one segment and a final `/...` for the rest.";

/** An invalid `route` in an HTTP trigger; the app cannot start. */
export class RouteError extends SpindleError {
  readonly triggerId: string;
  readonly component: string;
  constructor(at: RouteEntry, problem: string) {
    const where = `HTTP trigger '${at.triggerId}' (component '${at.component}')`;
    super(`${where} has an invalid route '${at.route}': ${problem}`, { hint: ROUTE_HINT });
    this.name = "RouteError";
    this.triggerId = at.triggerId;
    this.component = at.component;
  }
}

const WELL_KNOWN_PREFIX = "/.well-known/spin/";

/** What routefinder calls a segment: `/a/:b.json/*` is exact, slash, param, dot, exact, slash, wildcard. */
type Segment =
  | { readonly kind: "exact"; readonly text: string }
  | { readonly kind: "param"; readonly name: string }
  | { readonly kind: "wildcard" | "slash" | "dot" };

interface CompiledRoute {
  readonly entry: RouteEntry;
  readonly matchedRoute: string;
  readonly componentRoute: string;
  readonly segments: readonly Segment[];
  readonly paramNames: readonly string[];
  readonly hasWildcard: boolean;
  readonly dots: number;
}

/** Where one request's path is matched: the path without outer slashes, and what the route captured so far. */
interface Cursor {
  readonly path: string;
  readonly captures: string[];
}

/**
 * The routes of one app. Built once at load time (throws `RouteError`), then `match` per request.
 *
 * @example
 * const router = new Router([{ triggerId: "t", component: "api", route: "/users/:id/..." }]);
 * router.match("/users/42/posts")?.params; // [["id", "42"]]
 */
export class Router {
  /** Later triggers that reused a route string, in manifest order. */
  readonly duplicates: readonly DuplicateRoute[];
  /** Effective routes under `/.well-known/spin/`, which Spin answers itself: they are never reached. */
  readonly reserved: readonly RouteEntry[];
  /** Effective routes in the order they are tried, which is also Spin's startup listing order. */
  readonly routes: readonly RouteEntry[];
  readonly #routes: readonly CompiledRoute[];

  constructor(triggers: readonly HttpRouteInput[]) {
    const { entries, duplicates } = dedupe(triggers);
    this.duplicates = duplicates;
    this.reserved = entries.filter((entry) => normaliseRoute(entry.route).startsWith(WELL_KNOWN_PREFIX));
    this.#routes = routefinderOrder(entries.map(compile));
    this.routes = this.#routes.map((route) => route.entry);
  }

  /** The route serving a request path (no query string, not percent-decoded), or `undefined` for a 404. */
  match(path: string): RouteMatch | undefined {
    const trimmed = trimSlashes(path);
    for (const route of this.#routes) {
      // A fresh capture list per attempt: resetting an array's length is a slow path in V8.
      const cursor: Cursor = { path: trimmed, captures: [] };
      if (matchSegments(route.segments, cursor)) return toMatch(route, cursor.captures, path.endsWith("/"));
    }
    return undefined;
  }
}

/** Spin's normalisation of a manifest route: absolute, one trailing `/` removed (so `/` becomes `""`). */
export function normaliseRoute(raw: string): string {
  const absolute = raw.startsWith("/") ? raw : `/${raw}`;
  return absolute.endsWith("/") ? absolute.slice(0, -1) : absolute;
}

/**
 * Spin keys duplicates by the route string as written (`/foo` and `/foo/` are not duplicates): the last
 * trigger wins but keeps the first one's position, which matters for ties in the route order.
 */
function dedupe(triggers: readonly HttpRouteInput[]): {
  entries: RouteEntry[];
  duplicates: DuplicateRoute[];
} {
  const byRoute = new Map<string, RouteEntry>();
  const duplicates: DuplicateRoute[] = [];
  for (const { triggerId, component, route } of triggers) {
    if (typeof route !== "string") {
      const problem = "a route must be a pattern or `{ private = true }`";
      if (!route.private)
        throw new RouteError({ triggerId, component, route: "{ private = false }" }, problem);
      continue;
    }
    const entry = { triggerId, component, route };
    const replaced = byRoute.get(route);
    byRoute.set(route, entry);
    if (replaced !== undefined)
      duplicates.push({ replaced, effective: entry, printedRoute: normaliseRoute(route) || "/" });
  }
  return { entries: [...byRoute.values()], duplicates };
}

function compile(entry: RouteEntry): CompiledRoute {
  const matchedRoute = normaliseRoute(entry.route);
  const pattern = matchedRoute.endsWith("/...") ? `${matchedRoute.slice(0, -3)}*` : matchedRoute;
  const segments = parsePattern(pattern, entry);
  const paramNames = segments.flatMap((segment) => (segment.kind === "param" ? [segment.name] : []));
  return {
    entry,
    matchedRoute,
    componentRoute: entry.route.endsWith("/...") ? entry.route.slice(0, -4) : entry.route,
    segments,
    paramNames,
    hasWildcard: segments.at(-1)?.kind === "wildcard",
    dots: segments.filter((segment) => segment.kind === "dot").length,
  };
}

/**
 * routefinder's parser: split on `/` and `.`; a `.` after an exact segment is glued onto it (`foo.json` is
 * exact `foo.` then exact `json`), otherwise it becomes a dot segment; empty sections vanish, so a `/` is
 * kept only before a non-empty section.
 */
function parsePattern(pattern: string, entry: RouteEntry): Segment[] {
  const source = trimSlashes(pattern);
  const segments: Segment[] = [];
  let start = 0;
  let before = "";
  for (let index = 0; index <= source.length; index++) {
    const char = source[index];
    if (char !== undefined && char !== "/" && char !== ".") continue;
    append(segments, before, parseSection(source.slice(start, index), entry));
    before = char ?? "";
    start = index + 1;
  }
  // routefinder accepts a wildcard followed by more segments but panics when a request reaches it.
  const early = segments.slice(0, -1).some((segment) => segment.kind === "wildcard");
  if (early) throw new RouteError(entry, "a wildcard must be the last segment, written `/...`");
  return segments;
}

/** Adds one section, given the separator that preceded it. */
function append(segments: Segment[], before: string, segment: Segment | undefined): void {
  const last = segments.at(-1);
  if (before === "." && last?.kind === "exact")
    segments[segments.length - 1] = { kind: "exact", text: `${last.text}.` };
  else if (before === ".") segments.push({ kind: "dot" });
  if (segment === undefined) return;
  if (before === "/") segments.push({ kind: "slash" });
  segments.push(segment);
}

function parseSection(section: string, entry: RouteEntry): Segment | undefined {
  if (section === "") return undefined;
  if (section === "*") return { kind: "wildcard" };
  if (section.startsWith("*")) throw new RouteError(entry, `write the wildcard '${section}' as '/...'`);
  if (section === ":") throw new RouteError(entry, "a `:` parameter needs a name, as in `:id`");
  return section.startsWith(":")
    ? { kind: "param", name: section.slice(1) }
    : { kind: "exact", text: section };
}

function matchSegments(segments: readonly Segment[], cursor: Cursor): boolean {
  let position = 0;
  for (let index = 0; index < segments.length; index++) {
    position = step(segments[index] as Segment, segments[index + 1], cursor, position);
    if (position < 0) return false;
  }
  const { path } = cursor;
  return position === path.length || (position === path.length - 1 && path[position] === "/");
}

/** Matches one segment at `position`; returns the position after it, or -1. */
function step(segment: Segment, next: Segment | undefined, cursor: Cursor, position: number): number {
  const { path } = cursor;
  switch (segment.kind) {
    case "exact":
      return path.startsWith(segment.text, position) ? position + segment.text.length : -1;
    case "param":
      return matchParam(next, cursor, position);
    case "wildcard":
      cursor.captures.push(path.slice(position));
      return path.length;
    case "dot":
      return path[position] === "." ? position + 1 : -1;
    case "slash":
      return matchSlash(next, path, position);
  }
}

/** A slash matches one `/` before another segment, or the end of the path before nothing or a wildcard. */
function matchSlash(next: Segment | undefined, path: string, position: number): number {
  if (position < path.length) return path[position] === "/" && next !== undefined ? position + 1 : -1;
  return next === undefined || next.kind === "wildcard" ? position : -1;
}

/** A param takes up to the next `/`, dots included, unless the route puts a dot after it. */
function matchParam(next: Segment | undefined, cursor: Cursor, position: number): number {
  const { path } = cursor;
  if (position >= path.length) return -1;
  const slash = path.indexOf("/", position);
  let end = slash < 0 ? path.length : slash;
  if (next?.kind === "dot") {
    end = path.indexOf(".", position);
    if (end < 0 || (slash >= 0 && slash < end)) return -1;
  }
  cursor.captures.push(path.slice(position, end));
  return end;
}

function toMatch(route: CompiledRoute, captures: readonly string[], trailingSlash: boolean): RouteMatch {
  const params = route.paramNames.map((name, index) => [name, captures[index] ?? ""] as const);
  const wildcard = route.hasWildcard ? captures[route.paramNames.length] : undefined;
  return {
    entry: route.entry,
    matchedRoute: route.matchedRoute,
    componentRoute: route.componentRoute,
    params,
    pathInfo: pathInfo(wildcard, trailingSlash),
  };
}

/** routefinder drops the outer slashes of the wildcard part; Spin gives the guest back both. */
function pathInfo(wildcard: string | undefined, trailingSlash: boolean): string {
  if (wildcard === undefined) return "";
  const suffix = trailingSlash ? "/" : "";
  return wildcard === "" ? suffix : `/${wildcard}${suffix}`;
}

function trimSlashes(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && value[start] === "/") start++;
  while (end > start && value[end - 1] === "/") end--;
  return value.slice(start, end);
}

/** One line of the startup route listing. */
export interface ListedRoute {
  readonly component: string;
  readonly triggerId: string;
  /** What follows the base URL in Spin's `Available Routes:` lines: `/foo`, `/foo (wildcard)`, `""` for `/`. */
  readonly display: string;
  /** The route path for machine-readable output: without the wildcard, `/` for the root. */
  readonly path: string;
  readonly wildcard: boolean;
}

/** The effective routes in Spin's listing order (the order they are tried in). */
export function listRoutes(router: Router): readonly ListedRoute[] {
  return router.routes.map(({ component, triggerId, route }) => {
    const normalised = normaliseRoute(route);
    const end = ["/...", "/*"].find((suffix) => normalised.endsWith(suffix));
    const prefix = end === undefined ? normalised : normalised.slice(0, -end.length);
    const display = end === undefined ? normalised : `${prefix} (wildcard)`;
    return { component, triggerId, display, path: prefix || "/", wildcard: end !== undefined };
  });
}
