/**
 * What the FAKE API server (fake-kube.ts) answers besides objects, so that the real kubectl can use it:
 * discovery (`/api`, `/apis`, each group version's resource list, with the status and scale subresources
 * a CRD declares), `/version`, and lists rendered as a
 * `meta.k8s.io/v1` Table with a CustomResourceDefinition's printer columns, as the API server renders them
 * for `kubectl get`. The resources are a fixed list of the built-in kinds the operator touches plus every
 * CRD stored in the fake, so applying `deploy/crds/` is what makes `kubectl get spinapps` work.
 */

import type { ScalePaths } from "./fake-kube-scale.ts";

type Json = Record<string, unknown>;

interface Column {
  readonly name: string;
  readonly type: string;
  readonly jsonPath: string;
  readonly description?: string;
  readonly priority?: number;
  readonly format?: string;
}

export interface Resource {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Whether it has the status subresource. */
  readonly status: boolean;
  /** The CRD's scale subresource, if it declares one; built-in kinds have none in the fake. */
  readonly scale?: ScalePaths;
  /** The CRD's printer columns; only custom resources are rendered as Tables. */
  readonly columns?: readonly Column[];
  /** The CRD's structural schema (`openAPIV3Schema`). */
  readonly schema?: Json;
}

const builtin = (
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced = true,
): Resource => ({
  group,
  version,
  plural,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  shortNames: [],
  status: kind === "Deployment" || kind === "Service",
});

/** The built-in kinds the operator reads or writes, and CRDs themselves. */
const BUILTIN: readonly Resource[] = [
  builtin("", "v1", "Namespace", "namespaces", false),
  builtin("", "v1", "ConfigMap", "configmaps"),
  builtin("", "v1", "Secret", "secrets"),
  builtin("", "v1", "Service", "services"),
  builtin("", "v1", "ServiceAccount", "serviceaccounts"),
  builtin("", "v1", "Event", "events"),
  builtin("apps", "v1", "Deployment", "deployments"),
  builtin("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
  builtin("coordination.k8s.io", "v1", "Lease", "leases"),
  builtin("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false),
];

interface CrdSpec {
  group: string;
  scope: string;
  names: { kind: string; plural: string; singular?: string; shortNames?: string[] };
  versions: {
    name: string;
    served: boolean;
    schema?: { openAPIV3Schema?: Json };
    subresources?: { status?: Json; scale?: ScalePaths };
    additionalPrinterColumns?: Column[];
  }[];
}

/** Every resource the fake serves: the built-ins and the served versions of the stored CRDs. */
export function servedResources(crds: readonly Json[]): Resource[] {
  const custom = crds.flatMap((crd) => {
    const spec = crd["spec"] as CrdSpec;
    return spec.versions
      .filter((v) => v.served)
      .map((v) => ({
        group: spec.group,
        version: v.name,
        plural: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        kind: spec.names.kind,
        namespaced: spec.scope === "Namespaced",
        shortNames: spec.names.shortNames ?? [],
        status: "status" in (v.subresources ?? {}),
        columns: v.additionalPrinterColumns ?? [],
        ...(v.subresources?.scale === undefined ? {} : { scale: v.subresources.scale }),
        ...(v.schema?.openAPIV3Schema === undefined ? {} : { schema: v.schema.openAPIV3Schema }),
      }));
  });
  return [...BUILTIN, ...custom];
}

const groupVersion = (r: Resource) => (r.group === "" ? r.version : `${r.group}/${r.version}`);
const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** The discovery document at `path`, or undefined when `path` is not a discovery path. */
export function discovery(
  path: string,
  resources: readonly Resource[],
  serverAddress: string,
): Json | undefined {
  if (path === "/version")
    return { major: "1", minor: "35", gitVersion: "v1.35.0-fake", platform: "linux/amd64" };
  if (path === "/api") {
    return {
      kind: "APIVersions",
      versions: ["v1"],
      serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
    };
  }
  if (path === "/apis") return groupList(resources);
  const match = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (match === null) return undefined;
  const gv = match[1] ?? `${match[2] ?? ""}/${match[3] ?? ""}`;
  const inVersion = resources.filter((r) => groupVersion(r) === gv);
  if (inVersion.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: gv,
    resources: inVersion.flatMap((r) => [
      {
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: VERBS,
        ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
      },
      ...(r.status ? [subresource(r, "status", {})] : []),
      ...(r.scale === undefined
        ? []
        : [subresource(r, "scale", { group: "autoscaling", version: "v1", kind: "Scale" })]),
    ]),
  };
}

/** A subresource's discovery entry; one served in another kind (Scale) names its group and version. */
function subresource(r: Resource, name: string, kind: Json): Json {
  return {
    name: `${r.plural}/${name}`,
    singularName: "",
    namespaced: r.namespaced,
    kind: r.kind,
    ...kind,
    verbs: ["get", "patch", "update"],
  };
}

function groupList(resources: readonly Resource[]): Json {
  const groups = new Map<string, Set<string>>();
  for (const r of resources) {
    if (r.group !== "") groups.set(r.group, (groups.get(r.group) ?? new Set()).add(r.version));
  }
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groups].map(([name, versions]) => {
      const listed = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: listed, preferredVersion: listed[0] };
    }),
  };
}

/** The resource a collection path (`apis/<group>/<version>/<plural>` or `api/v1/<plural>`) stores. */
export function resourceAt(
  base: string,
  plural: string,
  resources: readonly Resource[],
): Resource | undefined {
  const gv = base.replace(/^apis?\//, "");
  return resources.find((r) => groupVersion(r) === gv && r.plural === plural);
}

/** Whether the client asked for a Table (kubectl get does, falling back to JSON). */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? "")
    .split(",")
    .some((type) => type.includes("as=Table") && type.includes("g=meta.k8s.io"));
}

/**
 * `objects` as the API server's Table for a custom resource: a Name column, then the CRD's printer
 * columns (their values by a dotted JSON path, `null` where it finds nothing; `date` columns are not
 * turned into ages, Spindle's CRDs have none), each row with the object's metadata, which kubectl needs
 * for `-A` and `-o name`.
 */
export function table(resource: Resource, objects: readonly Json[], resourceVersion: string): Json {
  const columns = resource.columns ?? [];
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: { resourceVersion },
    columnDefinitions: [
      { name: "Name", type: "string", format: "name", description: "Name of the resource", priority: 0 },
      ...columns.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? "",
        description: c.description ?? "",
        priority: c.priority ?? 0,
      })),
    ],
    rows: objects.map((object) => {
      const metadata = object["metadata"] as Json;
      return {
        cells: [metadata["name"], ...columns.map((c) => cell(c, object))],
        object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata },
      };
    }),
  };
}

function cell(column: Column, object: Json): unknown {
  let value: unknown = object;
  for (const key of column.jsonPath.split(".").slice(1)) {
    value = typeof value === "object" && value !== null ? (value as Json)[key] : undefined;
  }
  return value ?? null;
}
