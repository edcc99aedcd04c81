/**
 * The writes of the FAKE API server (fake-kube.ts), each answered as the API server answers it: create
 * (409 AlreadyExists), replace (PUT, with resourceVersion conflicts; on `/status` only the status is
 * taken), server-side apply (simplified: the applied object replaces everything but metadata identity and
 * status, one field manager, no field ownership, and an apply that changes nothing is a no-op), JSON merge
 * and JSON patches (fake-kube-patch.ts; strategic merge patch answers 415), writes of a CRD's scale
 * subresource (fake-kube-scale.ts), and delete with finalizers and a propagation policy (fake-kube-gc.ts).
 * With `fieldValidation=Strict`, a custom resource field its CRD does not declare is refused. Every write
 * ends with a garbage collection. One per fake; replies are plain values the server sends.
 */
import { resourceAt, type Resource } from "./fake-kube-discovery.ts";
import { collectGarbage, deleteWith, propagationOf } from "./fake-kube-gc.ts";
import {
  collectionOf,
  fresh,
  identity,
  notFound,
  objectKeyParts,
  status,
  type Reply,
  statusOf,
  type Route,
  type StoredObject,
} from "./fake-kube-objects.ts";
import { unknownFields } from "./fake-kube-openapi.ts";
import {
  APPLY_PATCH,
  JSON_PATCH,
  MERGE_PATCH,
  PatchError,
  STRATEGIC_MERGE_PATCH,
  jsonPatch,
  mediaType,
  mergePatch,
} from "./fake-kube-patch.ts";
import { scaleOf, unreadable, withReplicas, type ScalePaths } from "./fake-kube-scale.ts";
import type { FakeStore } from "./fake-kube-store.ts";

type Json = Record<string, unknown>;

export interface WriteRequest {
  readonly method: string;
  readonly route: Route;
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

const UNKNOWN_FORMAT = `the body of the request was in an unknown format - accepted media types include: ${JSON_PATCH}, ${MERGE_PATCH}, ${APPLY_PATCH}`;

export class FakeWrites {
  readonly #store: FakeStore;
  readonly #resources: () => readonly Resource[];

  constructor(store: FakeStore, resources: () => readonly Resource[]) {
    this.#store = store;
    this.#resources = resources;
  }

  /** The reply to a write, or undefined when `method` is not one on this route. */
  write(request: WriteRequest): Reply | undefined {
    const reply = this.#dispatch(request);
    collectGarbage(this.#store);
    return reply;
  }

  /** `GET .../<name>/scale`. */
  readScale(route: Route): Reply {
    const paths = this.#scalePaths(route);
    const current = this.#current(route);
    if (paths === undefined) return noSuchResource();
    if (current === undefined) return notFound(route);
    const missing = unreadable(current, paths);
    if (missing !== undefined) return { code: 500, body: status(500, "InternalError", missing) };
    return { code: 200, body: scaleOf(current, paths) };
  }

  #dispatch(request: WriteRequest): Reply | undefined {
    const { method, route, body } = request;
    if (method === "DELETE" && route.name !== undefined) {
      return this.#delete(route, request.query, body as Json | undefined);
    }
    if (body === undefined) return undefined;
    if (route.name === undefined) {
      return method === "POST" ? this.#create(route, body as StoredObject, request.query) : undefined;
    }
    if (method === "PATCH" && mediaType(request.contentType) === APPLY_PATCH) {
      return this.#apply(route, this.#current(route), body as StoredObject, request.query);
    }
    return method === "PUT" || method === "PATCH" ? this.#update(request) : undefined;
  }

  /** PUT, or a PATCH other than server-side apply, of an object that must exist. */
  #update(request: WriteRequest): Reply {
    const { route } = request;
    const current = this.#current(route);
    if (current === undefined) return notFound(route);
    if (route.subresource === "scale") return this.#writeScale(request, current);
    if (request.method === "PUT") {
      return this.#validated(route, request.query, request.body as StoredObject, current);
    }
    return this.#patch(request, current);
  }

  #create(route: Route, body: StoredObject, query: URLSearchParams): Reply {
    const namespace = route.namespace ?? "";
    const invalid = this.#undeclared(route, query, body);
    if (invalid !== undefined) return invalid;
    if (this.#store.get(collectionOf(route), namespace, body.metadata.name) !== undefined) {
      return {
        code: 409,
        body: status(409, "AlreadyExists", `${route.plural} "${body.metadata.name}" already exists`),
      };
    }
    return { code: 201, body: this.#store.save(collectionOf(route), fresh(body, namespace), "ADDED") };
  }

  #validated(route: Route, query: URLSearchParams, body: StoredObject, current: StoredObject): Reply {
    return this.#undeclared(route, query, body) ?? this.#replace(route, body, current);
  }

  #replace(route: Route, body: StoredObject, current: StoredObject): Reply {
    const expected = body.metadata.resourceVersion;
    if (expected !== undefined && expected !== current.metadata.resourceVersion) return conflict();
    const next: StoredObject =
      route.subresource === "status"
        ? { ...current, status: body["status"] }
        : {
            ...body,
            metadata: { ...body.metadata, ...identity(current), name: current.metadata.name },
            status: current["status"],
          };
    if (route.subresource !== "status" && JSON.stringify(body["spec"]) !== JSON.stringify(current["spec"])) {
      next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    }
    if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
      this.#store.delete(collectionOf(route), next);
      return { code: 200, body: next };
    }
    return { code: 200, body: this.#store.save(collectionOf(route), next, "MODIFIED") };
  }

  #apply(route: Route, current: StoredObject | undefined, body: StoredObject, query: URLSearchParams): Reply {
    if (route.subresource === "scale") {
      return unsupported(`the fake does not take server-side apply on /scale: use ${MERGE_PATCH}`);
    }
    const invalid = this.#undeclared(route, query, body);
    if (invalid !== undefined) return invalid;
    if (current === undefined) {
      return {
        code: 201,
        body: this.#store.save(collectionOf(route), fresh(body, route.namespace ?? ""), "ADDED"),
      };
    }
    const next: StoredObject =
      route.subresource === "status"
        ? { ...current, status: body["status"] }
        : { ...body, metadata: { ...body.metadata, ...identity(current) }, ...statusOf(current) };
    if (JSON.stringify(next) === JSON.stringify(current)) return { code: 200, body: current };
    if (route.subresource !== "status" && JSON.stringify(body["spec"]) !== JSON.stringify(current["spec"])) {
      next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    }
    return { code: 200, body: this.#store.save(collectionOf(route), next, "MODIFIED") };
  }

  #patch(request: WriteRequest, current: StoredObject): Reply {
    const { route, contentType } = request;
    if (mediaType(contentType) === STRATEGIC_MERGE_PATCH) {
      return unsupported(
        this.#resource(route)?.columns === undefined
          ? `the fake does not take strategic merge patches (it knows no kind's list merge keys): use ${MERGE_PATCH} or ${JSON_PATCH}`
          : UNKNOWN_FORMAT,
      );
    }
    const patched = patchedWith(contentType, current, request.body);
    if ("code" in patched) return patched;
    return this.#validated(route, request.query, patched.object as StoredObject, current);
  }

  /** PUT or PATCH of a Scale: its `spec.replicas` goes to the CRD's `specReplicasPath`. */
  #writeScale(request: WriteRequest, current: StoredObject): Reply {
    const { route, contentType } = request;
    const paths = this.#scalePaths(route);
    if (paths === undefined) return noSuchResource();
    const base = scaleOf(current, paths);
    // A Scale has no lists, so a strategic merge patch of one is a JSON merge patch.
    const type = mediaType(contentType) === STRATEGIC_MERGE_PATCH ? MERGE_PATCH : contentType;
    const patched =
      request.method === "PUT" ? { object: request.body } : patchedWith(type, base, request.body);
    if ("code" in patched) return patched;
    const scale = patched.object as { metadata?: { resourceVersion?: string } } | undefined;
    const expected = scale?.metadata?.resourceVersion;
    if (expected !== undefined && expected !== current.metadata.resourceVersion) return conflict();
    const next = withReplicas(current, paths, scale);
    if ("invalid" in next) return { code: 422, body: status(422, "Invalid", next.invalid) };
    const reply = this.#replace(route, next.object, current);
    return reply.code === 200 ? { code: 200, body: scaleOf(reply.body as StoredObject, paths) } : reply;
  }

  #delete(route: Route, query: URLSearchParams, options: Json | undefined): Reply {
    const current = this.#current(route);
    if (current === undefined) return notFound(route);
    const policy = propagationOf(query, options);
    if (typeof policy !== "string") return { code: 400, body: status(400, "BadRequest", policy.invalid) };
    const left = deleteWith(this.#store, { collection: collectionOf(route), object: current }, policy);
    return { code: 200, body: left ?? status(200, "", "deleted") };
  }

  /** The strict-decoding error for fields a custom resource's CRD does not declare, if any. */
  #undeclared(route: Route, query: URLSearchParams, body: StoredObject): Reply | undefined {
    if (query.get("fieldValidation") !== "Strict" || route.subresource !== undefined) return undefined;
    const resource = this.#resource(route);
    const fields = unknownFields(body, resource?.schema);
    if (resource === undefined || fields.length === 0) return undefined;
    const unknown = fields.map((f) => `unknown field "${f}"`).join(", ");
    const message = `${resource.kind} in version "${resource.version}" cannot be handled as a ${resource.kind}: strict decoding error: ${unknown}`;
    return { code: 400, body: status(400, "BadRequest", message) };
  }

  #current(route: Route): StoredObject | undefined {
    return this.#store.get(...objectKeyParts(route));
  }

  #resource(route: Route): Resource | undefined {
    return resourceAt(route.base, route.plural, this.#resources());
  }

  #scalePaths(route: Route): ScalePaths | undefined {
    return this.#resource(route)?.scale;
  }
}

/** `target` patched by a JSON merge or JSON patch body, or the reply refusing it. */
function patchedWith(
  contentType: string | undefined,
  target: unknown,
  patch: unknown,
): { object: unknown } | Reply {
  const type = mediaType(contentType);
  try {
    if (type === MERGE_PATCH) return checked(mergePatch(target, patch));
    if (type === JSON_PATCH) return checked(jsonPatch(target, patch));
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    return {
      code: error.code,
      body: status(error.code, error.code === 400 ? "BadRequest" : "Invalid", error.message),
    };
  }
  return unsupported(UNKNOWN_FORMAT);
}

function checked(result: unknown): { object: unknown } | Reply {
  const metadata = (result as Json | null)?.["metadata"];
  if (typeof result === "object" && result !== null && typeof metadata === "object" && metadata !== null) {
    return { object: result };
  }
  return { code: 422, body: status(422, "Invalid", "the patched object has no metadata") };
}

function conflict(): Reply {
  const message =
    "the object has been modified; please apply your changes to the latest version and try again";
  return { code: 409, body: status(409, "Conflict", message) };
}

function unsupported(message: string): Reply {
  return { code: 415, body: status(415, "UnsupportedMediaType", message) };
}

function noSuchResource(): Reply {
  return { code: 404, body: status(404, "NotFound", "the server could not find the requested resource") };
}
