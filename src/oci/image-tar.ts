/**
 * Writes an ordinary single-layer OCI image from a directory, as an OCI image layout in a tar (what
 * `ctr images import`, `skopeo copy oci-archive:` and `podman load` read), with the system `tar`. This is
 * how the Spindle runtime image is built without a container engine (scripts/build-image.ts), and how
 * tests package an app `FROM scratch` for the containerd shim.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sha256Digest } from "./digest.ts";

/** The parts of the OCI image config's `config` object an image sets. */
export interface ImageConfig {
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly Env?: readonly string[];
  readonly User?: string;
  readonly WorkingDir?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
}

export interface ImageTarOptions {
  /** The directory whose contents become the image's root filesystem. */
  readonly root: string;
  /** Where the tar is written. */
  readonly output: string;
  /** The image's name in the layout (`org.opencontainers.image.ref.name`). */
  readonly refName: string;
  readonly config: ImageConfig;
}

interface Blob {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export function writeImageTar(options: ImageTarOptions): void {
  const work = mkdtempSync(join(tmpdir(), "spindle-image-"));
  try {
    const layout = join(work, "layout");
    mkdirSync(join(layout, "blobs", "sha256"), { recursive: true });
    const put = (mediaType: string, bytes: Uint8Array): Blob => {
      const digest = sha256Digest(bytes);
      writeFileSync(join(layout, "blobs", "sha256", digest.slice("sha256:".length)), bytes);
      return { mediaType, digest, size: bytes.length };
    };
    const layerPath = join(work, "layer.tar");
    // Owned by root, whoever builds it; modes are kept, so a directory made world-writable stays so.
    execFileSync("tar", [
      "--numeric-owner",
      "--owner=0",
      "--group=0",
      "-C",
      options.root,
      "-cf",
      layerPath,
      ".",
    ]);
    const layer = put("application/vnd.oci.image.layer.v1.tar", readFileSync(layerPath));
    rmSync(layerPath);
    const config = put(
      "application/vnd.oci.image.config.v1+json",
      json({
        architecture: process.arch === "x64" ? "amd64" : process.arch,
        os: "linux",
        config: options.config,
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
    const annotations = { "org.opencontainers.image.ref.name": options.refName };
    writeFileSync(
      join(layout, "index.json"),
      json({ schemaVersion: 2, manifests: [{ ...manifest, annotations }] }),
    );
    execFileSync("tar", ["-C", layout, "-cf", options.output, "."]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
