/**
 * Runs a bare Wasm artifact as Spin does: a single Wasm layer (runwasi's component layer, the CNCF Wasm
 * artifact with a `application/vnd.wasm.config.v0+json` config, or a plain Wasm layer) becomes an app
 * with one component, named after the repository, serving every path (`/...`). Pure apart from the cache
 * paths it points at; the caller sets `metadata.origin`.
 */
import { pathToFileURL } from "node:url";
import type { LockedApp } from "../app/locked.ts";
import { SpindleError } from "../errors.ts";
import { OCI_IMAGE_CONFIG, WASM_CONFIG, WASM_LAYER_TYPES } from "./media-types.ts";
import type { PulledArtifact } from "./pull.ts";

const CONFIG_TYPES: ReadonlySet<string> = new Set([WASM_CONFIG, OCI_IMAGE_CONFIG]);

export function wasmPackageApp(artifact: PulledArtifact, name: string): LockedApp {
  const { config, layers } = artifact.manifest;
  if (!CONFIG_TYPES.has(config.mediaType)) {
    throw new SpindleError(
      `${name} is neither a Spin app nor a Wasm package: unknown config media type ${config.mediaType}`,
      {
        hint: "reference an artifact pushed with `spindle registry push`, `spin registry push` or a Wasm packaging tool",
      },
    );
  }
  const [layer, ...more] = layers;
  if (layer === undefined || more.length > 0) {
    throw new SpindleError(
      `${name}: expected a single layer in the Wasm package, found ${layers.length} layers`,
      {
        hint: "a Wasm package holds exactly one component; push multi-component apps as Spin apps",
      },
    );
  }
  const path = artifact.layerPaths.get(layer.digest);
  if (!WASM_LAYER_TYPES.has(layer.mediaType) || path === undefined) {
    throw new SpindleError(`${name}: its layer has media type ${layer.mediaType}, which is not Wasm`, {
      hint: `Spindle runs layers of type ${[...WASM_LAYER_TYPES].join(", ")}`,
    });
  }
  const id = componentId(artifact.reference.repository);
  return {
    spin_lock_version: 0,
    metadata: { name: id, trigger: { type: "http" }, triggers: { http: {} } },
    triggers: [
      { id: `trigger-${id}`, trigger_type: "http", trigger_config: { component: id, route: "/..." } },
    ],
    components: [
      {
        id,
        source: { content_type: "application/wasm", digest: layer.digest, source: pathToFileURL(path).href },
      },
    ],
  };
}

/** The last repository segment as a Spin id: lower-case words joined by `-`. */
export function componentId(repository: string): string {
  const last = repository.split("/").pop() ?? "";
  const words = last
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.length === 0 ? "app" : words.join("-");
}
