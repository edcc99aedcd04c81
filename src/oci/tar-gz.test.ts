import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { packTarGz, unpackTarGz } from "./tar-gz.ts";

const LONG = `${"deep/".repeat(30)}file.txt`;

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "spindle-tar-"));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("GNU tar reads what we pack, long names included", () => {
  withDir((dir) => {
    const archive = join(dir, "files.tar.gz");
    writeFileSync(
      archive,
      packTarGz([
        { path: "index.html", bytes: Buffer.from("<h1>hi</h1>") },
        { path: LONG, bytes: Buffer.from("far down") },
      ]),
    );
    const out = join(dir, "out");
    mkdirSync(out);
    execFileSync("tar", ["-xzf", archive, "-C", out]);
    assert.equal(readFileSync(join(out, "index.html"), "utf8"), "<h1>hi</h1>");
    assert.equal(readFileSync(join(out, LONG), "utf8"), "far down");
  });
});

test("reads the regular files of an archive GNU tar made, skipping directories", () => {
  withDir((dir) => {
    const source = join(dir, "src");
    mkdirSync(join(source, "assets/img"), { recursive: true });
    writeFileSync(join(source, "assets/img/a.bin"), Buffer.alloc(1500, 7));
    mkdirSync(join(source, LONG, ".."), { recursive: true });
    writeFileSync(join(source, LONG), "far down");
    const archive = join(dir, "files.tar.gz");
    execFileSync("tar", ["-czf", archive, "-C", source, "."]);
    const entries = unpackTarGz(readFileSync(archive), "layer");
    const byPath = new Map(entries.map((e) => [e.path, Buffer.from(e.bytes)]));
    assert.deepEqual([...byPath.keys()].sort(), ["assets/img/a.bin", LONG].sort());
    assert.deepEqual(byPath.get("assets/img/a.bin"), Buffer.alloc(1500, 7));
    assert.equal(byPath.get(LONG)?.toString(), "far down");
  });
});

test("packing is deterministic, and unpacking gives back what was packed", () => {
  const path = fc.stringMatching(/^[a-z0-9_-][a-z0-9_.-]{0,19}(\/[a-z0-9_-][a-z0-9_.-]{0,19}){0,8}$/);
  const entry = fc.record({ path, bytes: fc.uint8Array({ maxLength: 2000 }) });
  fc.assert(
    fc.property(fc.uniqueArray(entry, { selector: (e) => e.path, maxLength: 6 }), (entries) => {
      const packed = packTarGz(entries);
      assert.deepEqual(packTarGz(entries), packed);
      const unpacked = unpackTarGz(packed, "layer").map((e) => ({
        path: e.path,
        bytes: new Uint8Array(e.bytes),
      }));
      assert.deepEqual(
        unpacked,
        entries.map((e) => ({ path: e.path, bytes: new Uint8Array(e.bytes) })),
      );
    }),
  );
});

test("refuses damaged archives, naming the layer", () => {
  assert.throws(
    () => unpackTarGz(Buffer.from("not gzip"), "layer sha256:ab"),
    /layer sha256:ab is not a valid tar\.gz archive: not a readable gzip stream/,
  );
  const packed = Buffer.from(packTarGz([{ path: "a.txt", bytes: Buffer.from("x") }]));
  const { gunzipSync, gzipSync } = process.getBuiltinModule("node:zlib");
  const tar = gunzipSync(packed);
  tar[0] = "b".charCodeAt(0);
  assert.throws(() => unpackTarGz(gzipSync(tar), "layer"), /checksum does not match/);
});
