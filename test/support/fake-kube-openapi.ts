/**
 * The FAKE API server's OpenAPI v3 (fake-kube.ts), just enough for `kubectl apply`. kubectl reads
 * `/openapi/v3` to learn whether the server checks fields itself: it does when the kind's PATCH operation
 * takes a `fieldValidation` parameter, and then kubectl sends `fieldValidation=Strict` instead of
 * validating on its side. The fake says so, and for custom resources it does what a real API server does
 * with Strict: it refuses a field the CRD's schema does not declare. The documents describe operations
 * only, no schemas, so `kubectl explain` finds nothing.
 */
import type { Resource } from "./fake-kube-discovery.ts";

type Json = Record<string, unknown>;

const gvPath = (r: Resource) => (r.group === "" ? `api/${r.version}` : `apis/${r.group}/${r.version}`);

/** The OpenAPI document at `path` (`/openapi/v3` or `/openapi/v3/<group version path>`), if any. */
export function openApiDocument(path: string, resources: readonly Resource[]): Json | undefined {
  if (path === "/openapi/v3") {
    const paths = Object.fromEntries(
      resources.map((r) => [gvPath(r), { serverRelativeURL: `/openapi/v3/${gvPath(r)}` }]),
    );
    return { paths };
  }
  const inVersion = resources.filter((r) => path === `/openapi/v3/${gvPath(r)}`);
  if (inVersion.length === 0) return undefined;
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes (fake)", version: "v1.35.0" },
    paths: Object.fromEntries(inVersion.map((r) => [objectPath(r), { patch: patchOperation(r) }])),
  };
}

function objectPath(r: Resource): string {
  return `/${gvPath(r)}${r.namespaced ? "/namespaces/{namespace}" : ""}/${r.plural}/{name}`;
}

function patchOperation(r: Resource): Json {
  const query = (name: string) => ({ name, in: "query", schema: { type: "string" } });
  return {
    "x-kubernetes-group-version-kind": { group: r.group, version: r.version, kind: r.kind },
    parameters: [query("fieldManager"), query("fieldValidation"), query("force"), query("dryRun")],
  };
}

/**
 * The paths of the fields in `value` that `schema` (a CRD's structural schema) does not declare, as the
 * API server's strict decoding names them. Objects with neither `properties` nor `additionalProperties`
 * (`metadata`), and `x-kubernetes-preserve-unknown-fields`, take anything.
 */
export function unknownFields(value: unknown, schema: Json | undefined, path = ""): string[] {
  if (schema === undefined || schema["x-kubernetes-preserve-unknown-fields"] === true) return [];
  if (Array.isArray(value)) {
    return value.flatMap((item, i) =>
      unknownFields(item, schema["items"] as Json | undefined, `${path}[${i}]`),
    );
  }
  if (typeof value !== "object" || value === null) return [];
  const properties = schema["properties"] as Record<string, Json> | undefined;
  const additional = schema["additionalProperties"];
  if (properties === undefined && (additional === undefined || additional === true)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const where = path === "" ? key : `${path}.${key}`;
    const childSchema =
      properties?.[key] ?? (typeof additional === "object" ? (additional as Json) : undefined);
    return childSchema === undefined ? [where] : unknownFields(child, childSchema, where);
  });
}
