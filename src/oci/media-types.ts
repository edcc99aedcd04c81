/**
 * The media types of the OCI distribution formats Spindle reads and writes: the standard OCI and Docker
 * manifest/index/config types, Spin's application artifact layers, and the single-component Wasm layouts
 * of runwasi and the CNCF Wasm artifact. Constants only; every other module in `src/oci/` names types
 * through these.
 */

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

/** The locked app JSON, pushed as the last layer of a Spin app. */
export const SPIN_LOCKED_APP = "application/vnd.fermyon.spin.application.v1+config";
/** A Wasm component or module layer. */
export const WASM_LAYER = "application/vnd.wasm.content.layer.v1+wasm";
/** One static file of a component's `files`. */
export const DATA_LAYER = "application/vnd.wasm.content.layer.v1+data";
/** A tar.gz of a component's files (Spin's "archive" mode). */
export const ARCHIVE_LAYER = "application/vnd.wasm.content.bundle.v1.tar+gzip";
/** The plain media type some tools use for Wasm layers. */
export const PLAIN_WASM = "application/wasm";

/** runwasi's single-component image layer. */
export const RUNWASI_COMPONENT_LAYER = "application/vnd.bytecodealliance.wasm.component.layer.v0+wasm";
/** The CNCF Wasm artifact's config blob. */
export const WASM_CONFIG = "application/vnd.wasm.config.v0+json";

/** What a manifest GET accepts, most preferred first. */
export const MANIFEST_ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST].join(", ");

export const INDEX_TYPES: ReadonlySet<string> = new Set([OCI_INDEX, DOCKER_MANIFEST_LIST]);

/** Layer types holding the Wasm binary of a component. */
export const WASM_LAYER_TYPES: ReadonlySet<string> = new Set([
  WASM_LAYER,
  PLAIN_WASM,
  RUNWASI_COMPONENT_LAYER,
]);
