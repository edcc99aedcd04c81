/**
 * Packages a directory as an ordinary single-layer OCI image tar (what `ctr image import` reads): how a
 * Spin app is packaged `FROM scratch` for the containerd shim.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeImageTar } from "../../src/oci/image-tar.ts";
import type { Scope } from "./scope.ts";

/** Writes the image tar for `dir`'s contents and returns its path (removed with the scope). */
export function buildImageTar(scope: Scope, dir: string): string {
  const work = mkdtempSync(join(tmpdir(), "spindle-image-"));
  scope.after(() => rmSync(work, { recursive: true, force: true }));
  const output = join(work, "image.tar");
  writeImageTar({ root: dir, output, refName: "latest", config: { Entrypoint: ["/"] } });
  return output;
}
