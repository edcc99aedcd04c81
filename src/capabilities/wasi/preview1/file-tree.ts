/**
 * The read-only directory tree a guest sees under its `/` preopen: exactly the files of the component's
 * `files` map (guest path → host path), with every directory implied by those paths. Path resolution
 * lives here too, so the rule "nothing above the starting directory is reachable" has one home. A tree is
 * built once per `files` map and shared by every run that uses that map.
 */
import { SpindleError } from "../../../errors.ts";
import { Errno } from "./abi.ts";

export interface FileNode {
  readonly kind: "file";
  /** Stable per tree; reported as the inode number. */
  readonly ino: bigint;
  readonly hostPath: string;
}

export interface DirectoryNode {
  readonly kind: "directory";
  readonly ino: bigint;
  readonly parent: DirectoryNode | undefined;
  /** Children in name order, so directory listings are deterministic. */
  readonly children: ReadonlyMap<string, TreeNode>;
}

export type TreeNode = FileNode | DirectoryNode;

interface MutableDirectory extends DirectoryNode {
  readonly children: Map<string, TreeNode>;
}

const trees = new WeakMap<ReadonlyMap<string, string>, DirectoryNode>();

/** The tree for a `files` map, built on first use and cached for the lifetime of the map. */
export function fileTreeOf(files: ReadonlyMap<string, string>): DirectoryNode {
  let tree = trees.get(files);
  if (tree === undefined) {
    tree = buildTree(files);
    trees.set(files, tree);
  }
  return tree;
}

function buildTree(files: ReadonlyMap<string, string>): DirectoryNode {
  let nextIno = 1n;
  const root: MutableDirectory = {
    kind: "directory",
    ino: nextIno++,
    parent: undefined,
    children: new Map(),
  };
  for (const [guestPath, hostPath] of files) {
    const names = guestPath.split("/").filter((name) => name !== "");
    const fileName = names.pop();
    if (!guestPath.startsWith("/") || fileName === undefined || names.some((n) => n === "." || n === "..")) {
      throw new SpindleError(`Guest file path '${guestPath}' is not a plain absolute path`, {
        hint: "Map files to absolute guest paths such as /static/index.html, without '.' or '..' segments.",
      });
    }
    let dir = root;
    for (const name of names) {
      const existing = dir.children.get(name);
      if (existing?.kind === "file") throw clash(guestPath);
      const next = (existing as MutableDirectory | undefined) ?? {
        kind: "directory",
        ino: nextIno++,
        parent: dir,
        children: new Map<string, TreeNode>(),
      };
      dir.children.set(name, next);
      dir = next;
    }
    if (dir.children.get(fileName)?.kind === "directory") throw clash(guestPath);
    dir.children.set(fileName, { kind: "file", ino: nextIno++, hostPath });
  }
  sortChildren(root);
  return root;
}

function sortChildren(dir: MutableDirectory): void {
  const entries = [...dir.children].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  dir.children.clear();
  for (const [name, node] of entries) {
    dir.children.set(name, node);
    if (node.kind === "directory") sortChildren(node as MutableDirectory);
  }
}

function clash(guestPath: string): SpindleError {
  return new SpindleError(`Guest path '${guestPath}' is mapped both as a file and as a directory`, {
    hint: "Check the component's `files` entries: one guest path cannot be a file and contain files.",
  });
}

/**
 * Resolves a guest path relative to `start`. `..` may not climb above `start` (a WASI descriptor grants
 * access to its directory and below only), and absolute paths are refused for the same reason.
 */
export function resolve(start: DirectoryNode, path: string): TreeNode | number {
  if (path.startsWith("/")) return Errno.NOTCAPABLE;
  const segments = path.split("/");
  const trailingSlash = segments.length > 1 && segments.at(-1) === "";
  const stack: DirectoryNode[] = [];
  let node: TreeNode = start;
  for (const name of segments) {
    if (name === "" || name === ".") continue;
    if (node.kind === "file") return Errno.NOTDIR;
    if (name === "..") {
      const up = stack.pop();
      if (up === undefined) return Errno.NOTCAPABLE;
      node = up;
      continue;
    }
    const child = node.children.get(name);
    if (child === undefined) return Errno.NOENT;
    stack.push(node);
    node = child;
  }
  return trailingSlash && node.kind === "file" ? Errno.NOTDIR : node;
}
