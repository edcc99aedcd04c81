/**
 * The order in which Spin's router tries routes. routefinder 0.5.4 keeps them in a Rust `BTreeMap` whose
 * comparison is neither total nor transitive, so the order depends on insertion order and on the tree's
 * shape; this module replays the insertions into a model of that tree. Pure; used once per router build.
 */

export type SegmentKind = "exact" | "param" | "wildcard" | "slash" | "dot";

/** What the ordering looks at in a compiled route. */
export interface OrderedRoute {
  readonly segments: readonly { readonly kind: SegmentKind }[];
  readonly dots: number;
}

/** The routes in the order they are tried (the first that matches wins). */
export function routefinderOrder<T extends OrderedRoute>(routes: readonly T[]): T[] {
  return btreeOrder(routes, (inserted, existing) => weigh(inserted, existing) > 0);
}

/**
 * routefinder 0.5.4 keeps routes in a std `BTreeMap` ordered by this comparison (before its final reversal;
 * > 0 means `a` is tried first): exact over param over wildcard segments, then more dots, then fewer
 * segments. It never answers "equal" (an equal-weight newcomer sorts after) and is not transitive once a dot
 * meets another kind (whichever is on the left wins), so the order depends on insertion order and on the
 * tree's shape; `btreeOrder` replays the insertions.
 */
function weigh(a: OrderedRoute, b: OrderedRoute): number {
  const shared = Math.min(a.segments.length, b.segments.length);
  for (let index = 0; index < shared; index++) {
    const order = compareSegments(
      (a.segments[index] as { kind: SegmentKind }).kind,
      (b.segments[index] as { kind: SegmentKind }).kind,
    );
    if (order !== 0) return order;
  }
  if (a.dots !== b.dots) return a.dots - b.dots;
  return b.segments.length === a.segments.length ? -1 : b.segments.length - a.segments.length;
}

const SEPARATOR_KINDS: ReadonlySet<SegmentKind> = new Set(["slash", "dot"]);
const RANK: Readonly<Record<SegmentKind, number>> = { exact: 3, param: 2, wildcard: 1, slash: 0, dot: 0 };

/** Segment order exact > param > wildcard > separator, except that a dot wins whenever it is on the left. */
function compareSegments(a: SegmentKind, b: SegmentKind): number {
  if (a === b || (SEPARATOR_KINDS.has(a) && SEPARATOR_KINDS.has(b))) return 0;
  if (a === "dot" || b === "dot") return 1;
  return Math.sign(RANK[a] - RANK[b]);
}

/** std's `BTreeMap` node capacity (B = 6). */
const CAPACITY = 11;

interface TreeNode<T> {
  readonly keys: T[];
  readonly children: TreeNode<T>[] | undefined;
}

/** Iteration order of a std `BTreeMap` after inserting `items` in order, comparing with `sortsBefore`. */
function btreeOrder<T>(items: readonly T[], sortsBefore: (inserted: T, existing: T) => boolean): T[] {
  let root: TreeNode<T> = { keys: [], children: undefined };
  for (const item of items) {
    const path: [TreeNode<T>, number][] = [];
    for (let node: TreeNode<T> | undefined = root; node !== undefined;) {
      const found: number = node.keys.findIndex((key) => sortsBefore(item, key));
      const edge: number = found < 0 ? node.keys.length : found;
      path.push([node, edge]);
      node = node.children?.[edge];
    }
    root = insertUpwards(root, path, item);
  }
  return inOrder(root);
}

function inOrder<T>(node: TreeNode<T> | undefined): T[] {
  if (node === undefined) return [];
  return node.keys
    .flatMap((key, index) => [...inOrder(node.children?.[index]), key])
    .concat(inOrder(node.children?.[node.keys.length]));
}

/** Inserts at the leaf ending `path`, splitting full nodes upwards as std does; returns the (new) root. */
function insertUpwards<T>(root: TreeNode<T>, path: readonly [TreeNode<T>, number][], item: T): TreeNode<T> {
  let key = item;
  let right: TreeNode<T> | undefined;
  for (let level = path.length - 1; level >= 0; level--) {
    const [node, edge] = path[level] as [TreeNode<T>, number];
    const split = insertInto(node, edge, key, right);
    if (split === undefined) return root;
    [key, right] = split;
  }
  return { keys: [key], children: [root, right as TreeNode<T>] };
}

function insertInto<T>(
  node: TreeNode<T>,
  edge: number,
  key: T,
  right: TreeNode<T> | undefined,
): [T, TreeNode<T>] | undefined {
  if (node.keys.length < CAPACITY) {
    fit(node, edge, key, right);
    return undefined;
  }
  // std's `splitpoint`: which key moves up, and where the new key then goes.
  const middle = edge <= 4 ? 4 : edge <= 6 ? 5 : 6;
  const sibling: TreeNode<T> = {
    keys: node.keys.splice(middle + 1),
    children: node.children?.splice(middle + 1),
  };
  const raised = node.keys.pop() as T;
  if (edge <= 5) fit(node, edge, key, right);
  else fit(sibling, edge === 6 ? 0 : edge - 7, key, right);
  return [raised, sibling];
}

function fit<T>(node: TreeNode<T>, edge: number, key: T, right: TreeNode<T> | undefined): void {
  node.keys.splice(edge, 0, key);
  if (node.children !== undefined && right !== undefined) node.children.splice(edge + 1, 0, right);
}
