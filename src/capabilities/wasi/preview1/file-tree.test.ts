import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SpindleError } from "../../../errors.ts";
import { Errno } from "./abi.ts";
import { fileTreeOf, resolve, type DirectoryNode, type TreeNode } from "./file-tree.ts";

const files = new Map([
  ["/static/b.txt", "/host/b"],
  ["/static/a.txt", "/host/a"],
  ["/static/css/site.css", "/host/site.css"],
  ["/index.html", "/host/index.html"],
]);

function hostPathOf(node: TreeNode | number): string | number {
  if (typeof node === "number") return node;
  return node.kind === "file" ? node.hostPath : "<dir>";
}

void describe("fileTreeOf", () => {
  void it("implies directories from file paths and lists children in name order", () => {
    const root = fileTreeOf(files);
    assert.deepEqual([...root.children.keys()], ["index.html", "static"]);
    const statics = root.children.get("static") as DirectoryNode;
    assert.equal(statics.kind, "directory");
    assert.deepEqual([...statics.children.keys()], ["a.txt", "b.txt", "css"]);
    assert.equal(statics.parent, root);
  });

  void it("builds one tree per map and reuses it", () => {
    assert.equal(fileTreeOf(files), fileTreeOf(files));
  });

  void it("gives every node a distinct inode number", () => {
    const inodes = new Set<bigint>();
    const visit = (node: TreeNode): void => {
      inodes.add(node.ino);
      if (node.kind === "directory") node.children.forEach(visit);
    };
    visit(fileTreeOf(files));
    assert.equal(inodes.size, 7);
  });

  void it("refuses a path that is both a file and a directory", () => {
    const clash = new Map([
      ["/a", "/host/a"],
      ["/a/b", "/host/b"],
    ]);
    assert.throws(
      () => fileTreeOf(clash),
      (error) => error instanceof SpindleError && /'\/a\/b'/.test(error.message),
    );
  });

  void it("refuses relative paths and dot segments", () => {
    for (const path of ["static/a.txt", "/static/../a.txt", "/", "/./a"]) {
      assert.throws(() => fileTreeOf(new Map([[path, "/host/x"]])), SpindleError, path);
    }
  });
});

void describe("resolve", () => {
  const root = fileTreeOf(files);
  const statics = root.children.get("static") as DirectoryNode;

  void it("finds files and directories, ignoring empty and '.' segments", () => {
    assert.equal(hostPathOf(resolve(root, "static/a.txt")), "/host/a");
    assert.equal(hostPathOf(resolve(root, "./static//css/./site.css")), "/host/site.css");
    assert.equal(resolve(root, "static"), statics);
    assert.equal(resolve(root, "."), root);
    assert.equal(resolve(root, ""), root);
  });

  void it("follows '..' within the starting directory", () => {
    assert.equal(hostPathOf(resolve(root, "static/css/../../index.html")), "/host/index.html");
  });

  void it("never climbs above the starting directory", () => {
    assert.equal(resolve(root, ".."), Errno.NOTCAPABLE);
    assert.equal(resolve(root, "static/../../etc/passwd"), Errno.NOTCAPABLE);
    assert.equal(resolve(statics, "../index.html"), Errno.NOTCAPABLE);
  });

  void it("refuses absolute paths", () => {
    assert.equal(resolve(root, "/index.html"), Errno.NOTCAPABLE);
  });

  void it("reports missing entries and files used as directories", () => {
    assert.equal(resolve(root, "static/missing.txt"), Errno.NOENT);
    assert.equal(resolve(root, "etc/passwd"), Errno.NOENT);
    assert.equal(resolve(root, "index.html/x"), Errno.NOTDIR);
    assert.equal(resolve(root, "index.html/"), Errno.NOTDIR);
    assert.equal(resolve(root, "index.html/.."), Errno.NOTDIR);
  });
});
