/**
 * Builds an ordinary single-layer OCI image (an OCI layout in a tar, what `ctr image import` reads) from
 * a directory, with the system `tar`: how a Spin app is packaged `FROM scratch` for the containerd shim.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Scope } from "./scope.ts";

interface Blob {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

/** Writes the image tar for `dir`'s contents and returns its path (removed with the scope). */
export function buildImageTar(scope: Scope, dir: string): string {
  const work = mkdtempSync(join(tmpdir(), "spindle-image-"));
  scope.after(() => execFileSync("rm", ["-rf", work]));
  const layout = join(work, "layout");
  mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
  const put = (mediaType: string, bytes: Uint8Array): Blob => {
    const hex = createHash("sha256").update(bytes).digest("hex");
    writeFileSync(join(layout, "blobs", "sha256", hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  };
  const layerPath = join(work, "layer.tar");
  execFileSync("tar", ["--numeric-owner", "--owner=0", "--group=0", "-C", dir, "-cf", layerPath, "."]);
  const layer = put("application/vnd.oci.image.layer.v1.tar", readFileSync(layerPath));
  const config = put(
    "application/vnd.oci.image.config.v1+json",
    json({
      architecture: process.arch === "x64" ? "amd64" : process.arch,
      os: "linux",
      config: { Entrypoint: ["/"] },
      rootfs: { type: "layers", diff_ids: [layer.digest] },
    }),
  );
  const manifest = put(
    "application/vnd.oci.image.manifest.v1+json",
    json({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config,
      layers: [layer],
    }),
  );
  writeFileSync(join(layout, "oci-layout"), json({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(layout, "index.json"),
    json({
      schemaVersion: 2,
      manifests: [{ ...manifest, annotations: { "org.opencontainers.image.ref.name": "latest" } }],
    }),
  );
  const tar = join(work, "image.tar");
  execFileSync("tar", ["-C", layout, "-cf", tar, "."]);
  return tar;
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
