/**
 * A FAKE Kubernetes API server for the operator's tests: no API server can run on the machines this
 * project is tested on, so this node:http server implements just the REST subset the operator's client
 * and kubectl use, in memory. It is not Kubernetes; the only schema it checks is a CRD's declared fields.
 * What it does: get, list (with `key=value` label selectors and name and namespace field selectors), watch
 * streams from a resourceVersion (with bookmarks), create (409 AlreadyExists), update with resourceVersion
 * conflicts, the status subresource, delete with finalizers (deletionTimestamp first, removal once the
 * last finalizer is gone) and server-side apply, the only PATCH it takes (others answer 415). Its apply is
 * a simplification: the applied object replaces everything but metadata identity and status (one field
 * manager, no field ownership), and an apply that changes nothing is a no-op, as on a real server. It does
 * no ownerReference garbage collection and runs no Deployment controller: tests set a Deployment's status
 * themselves. Every request is recorded for assertions. API groups named in `unservedGroups` answer 404,
 * as a cluster without that CRD does. For kubectl it also serves discovery and Tables with a CRD's
 * printer columns (fake-kube-discovery.ts), an OpenAPI v3 that offers server-side field validation, which
 * it enforces for custom resources (fake-kube-openapi.ts), and HTTPS (`tls`), since kubectl sends a
 * bearer token only over TLS.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { discovery, resourceAt, servedResources, table, wantsTable } from "./fake-kube-discovery.ts";
import { openApiDocument, unknownFields } from "./fake-kube-openapi.ts";
import type { Scope } from "./scope.ts";
import { selfSignedCert } from "./tls.ts";
import {
  collectionKey,
  collectionOf,
  fresh,
  identity,
  matchesSelectors,
  objectKey,
  parseRoute,
  ROUTE,
  statusOf,
  type Route,
  type StoredObject,
} from "./fake-kube-objects.ts";

type Json = Record<string, unknown>;
interface Change {
  readonly rv: number;
  readonly collection: string;
  readonly namespace: string;
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly object: StoredObject;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
}

export interface FakeKube {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The bearer token the fake demands. */
  readonly token: string;
  /** A kubeconfig file pointing at the fake (namespace `default`). */
  readonly kubeconfig: string;
  readonly requests: RecordedRequest[];
  /** The stored object at an API path (`/apis/apps/v1/namespaces/default/deployments/x`), or undefined. */
  object(path: string): StoredObject | undefined;
  /** Every stored object under a collection path. */
  objects(collectionPath: string): StoredObject[];
  /** Forgets the change history, so a watch from an older resourceVersion gets 410 Gone. */
  compact(): void;
  /** Ends every open watch, as an API server does now and then. */
  dropWatches(): void;
}

export interface FakeKubeOptions {
  /** API groups (`keda.sh`) the fake does not serve. */
  readonly unservedGroups?: readonly string[];
  /** Serve HTTPS with a self-signed certificate the kubeconfig trusts (kubectl sends its token only so). */
  readonly tls?: boolean;
}

const CRDS = "apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const APPLY_PATCH = "application/apply-patch+yaml";

export async function startFakeKube(t: Scope, options: FakeKubeOptions = {}): Promise<FakeKube> {
  const unserved = new Set((options.unservedGroups ?? []).map((group) => `apis/${group}`));
  const token = randomUUID();
  const store = new Map<string, StoredObject>();
  const changes: Change[] = [];
  const watchers = new Set<(change: Change) => void>();
  const openStreams = new Set<ServerResponse>();
  const requests: RecordedRequest[] = [];
  let rv = 1;

  const key = (collection: string, namespace: string, name: string) => `${collection}/${namespace}/${name}`;
  const record = (type: Change["type"], collection: string, object: StoredObject) => {
    const change = { rv, collection, namespace: object.metadata.namespace ?? "", type, object };
    changes.push(change);
    for (const watcher of watchers) watcher(change);
  };
  const stamp = (object: StoredObject) => {
    rv += 1;
    object.metadata.resourceVersion = String(rv);
  };
  const save = (collection: string, object: StoredObject, type: Change["type"]) => {
    stamp(object);
    store.set(key(collection, object.metadata.namespace ?? "", object.metadata.name), object);
    record(type, collection, object);
    return object;
  };
  const remove = (collection: string, object: StoredObject) => {
    store.delete(key(collection, object.metadata.namespace ?? "", object.metadata.name));
    stamp(object);
    record("DELETED", collection, object);
  };

  const listed = (route: Route, query: URLSearchParams) => {
    const collection = collectionOf(route);
    return [...store.entries()]
      .filter(([k]) =>
        k.startsWith(route.namespace === undefined ? `${collection}/` : `${collection}/${route.namespace}/`),
      )
      .map(([, o]) => o)
      .filter((o) => matchesSelectors(o, query));
  };
  const resources = () => servedResources(listed(parseRoute(`/${CRDS}`) as Route, new URLSearchParams()));

  const handlers = {
    list(route: Route, query: URLSearchParams, res: ServerResponse) {
      const items = listed(route, query);
      send(res, 200, { kind: "List", apiVersion: "v1", metadata: { resourceVersion: String(rv) }, items });
    },
    /** `kubectl get` of a custom resource: the list, or the one object, as a Table. */
    table(route: Route, query: URLSearchParams, res: ServerResponse) {
      const resource = resourceAt(route.base, route.plural, resources());
      const found = route.name === undefined ? listed(route, query) : [store.get(objectKey(route))];
      const objects = found.filter((o) => o !== undefined);
      if (resource === undefined || (route.name !== undefined && objects.length === 0)) {
        return notFound(res, route);
      }
      send(res, 200, table(resource, objects, String(rv)));
    },
    watch(route: Route, query: URLSearchParams, res: ServerResponse) {
      const collection = collectionOf(route);
      const since = Number(query.get("resourceVersion") ?? "0");
      if (since < rv && (changes[0]?.rv ?? rv + 1) > since + 1) {
        send(res, 200, undefined, false);
        res.end(
          `${JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } })}\n`,
        );
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      const emit = (change: Change) => {
        const inScope = route.namespace === undefined || change.namespace === route.namespace;
        if (change.collection !== collection || !inScope || !matchesSelectors(change.object, query)) return;
        res.write(`${JSON.stringify({ type: change.type, object: change.object })}\n`);
      };
      for (const change of changes) if (change.rv > since) emit(change);
      res.write(
        `${JSON.stringify({ type: "BOOKMARK", object: { metadata: { resourceVersion: String(rv) } } })}\n`,
      );
      watchers.add(emit);
      openStreams.add(res);
      res.once("close", () => {
        watchers.delete(emit);
        openStreams.delete(res);
      });
    },
    get(route: Route, res: ServerResponse) {
      const found = store.get(objectKey(route));
      if (found === undefined) notFound(res, route);
      else send(res, 200, found);
    },
    create(route: Route, body: StoredObject, res: ServerResponse) {
      const namespace = route.namespace ?? "";
      if (store.has(key(collectionOf(route), namespace, body.metadata.name))) {
        send(
          res,
          409,
          status(409, "AlreadyExists", `${route.plural} "${body.metadata.name}" already exists`),
        );
        return;
      }
      const object = fresh(body, namespace);
      send(res, 201, save(collectionOf(route), object, "ADDED"));
    },
    update(route: Route, body: StoredObject, res: ServerResponse) {
      const current = store.get(objectKey(route));
      if (current === undefined) return notFound(res, route);
      const expected = body.metadata.resourceVersion;
      if (expected !== undefined && expected !== current.metadata.resourceVersion) {
        return send(
          res,
          409,
          status(
            409,
            "Conflict",
            "the object has been modified; please apply your changes to the latest version and try again",
          ),
        );
      }
      const next: StoredObject = route.status
        ? { ...current, status: body["status"] }
        : { ...body, metadata: { ...body.metadata, ...identity(current) }, status: current["status"] };
      if (!route.status && JSON.stringify(body["spec"]) !== JSON.stringify(current["spec"])) {
        next.metadata.generation = (current.metadata.generation ?? 1) + 1;
      }
      if (next.metadata.deletionTimestamp !== undefined && (next.metadata.finalizers ?? []).length === 0) {
        remove(collectionOf(route), next);
        return send(res, 200, next);
      }
      send(res, 200, save(collectionOf(route), next, "MODIFIED"));
    },
    apply(route: Route, body: StoredObject, res: ServerResponse) {
      const current = store.get(objectKey(route));
      if (current === undefined) {
        return send(res, 201, save(collectionOf(route), fresh(body, route.namespace ?? ""), "ADDED"));
      }
      const next: StoredObject = route.status
        ? { ...current, status: body["status"] }
        : { ...body, metadata: { ...body.metadata, ...identity(current) }, ...statusOf(current) };
      if (JSON.stringify(next) === JSON.stringify(current)) return send(res, 200, current);
      if (!route.status && JSON.stringify(body["spec"]) !== JSON.stringify(current["spec"])) {
        next.metadata.generation = (current.metadata.generation ?? 1) + 1;
      }
      send(res, 200, save(collectionOf(route), next, "MODIFIED"));
    },
    delete(route: Route, res: ServerResponse) {
      const current = store.get(objectKey(route));
      if (current === undefined) return notFound(res, route);
      if ((current.metadata.finalizers ?? []).length > 0) {
        if (current.metadata.deletionTimestamp === undefined) {
          const marked = {
            ...current,
            metadata: { ...current.metadata, deletionTimestamp: new Date().toISOString() },
          };
          save(collectionOf(route), marked, "MODIFIED");
        }
        return send(res, 200, store.get(objectKey(route)));
      }
      remove(collectionOf(route), current);
      send(res, 200, status(200, "", "deleted"));
    },
  };

  const dir = mkdtempSync(join(tmpdir(), "spindle-fake-kube-"));
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res).catch((error: unknown) =>
      send(res, 500, status(500, "InternalError", String(error))),
    );
  };
  const tls = options.tls === true ? selfSignedCert(dir, "fake-kube") : undefined;
  const server =
    tls === undefined
      ? createServer(listener)
      : createTlsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, listener);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      contentType: req.headers["content-type"],
      authorization: req.headers.authorization,
    });
    if (req.headers.authorization !== `Bearer ${token}`) {
      return send(res, 401, status(401, "Unauthorized", "Unauthorized"));
    }
    const served = resources();
    const document =
      discovery(url.pathname, served, req.headers.host ?? "") ?? openApiDocument(url.pathname, served);
    if (document !== undefined && req.method === "GET") return send(res, 200, document);
    const match = ROUTE.exec(url.pathname);
    if (match === null || unserved.has((match[1] ?? "").replace(/\/[^/]+$/, ""))) {
      return send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
    }
    const route: Route = {
      base: match[1] ?? "",
      namespace: match[2],
      plural: match[3] ?? "",
      name: match[4],
      status: match[5] !== undefined,
    };
    const text = await readBody(req);
    const body = text === "" ? undefined : (JSON.parse(text) as StoredObject);
    const query = url.searchParams;
    const unknown = query.get("fieldValidation") === "Strict" ? undeclared(route, body) : undefined;
    if (unknown !== undefined) return send(res, 400, status(400, "BadRequest", unknown));
    const patchType = req.headers["content-type"];
    if (req.method === "PATCH" && patchType !== APPLY_PATCH) {
      const message = `the fake takes only server-side apply patches (${APPLY_PATCH}), not ${patchType ?? "none"}`;
      return send(res, 415, status(415, "UnsupportedMediaType", message));
    }
    if (req.method === "GET" && query.get("watch") !== "true" && asTable(route, req.headers.accept)) {
      return handlers.table(route, query, res);
    }
    dispatch(req.method ?? "", route, query, body, res);
  }

  /** The strict-decoding error for fields a custom resource's CRD does not declare, if any. */
  function undeclared(route: Route, body: StoredObject | undefined): string | undefined {
    const resource = resourceAt(route.base, route.plural, resources());
    const fields = route.status ? [] : unknownFields(body, resource?.schema);
    if (resource === undefined || fields.length === 0) return undefined;
    const unknown = fields.map((f) => `unknown field "${f}"`).join(", ");
    return `${resource.kind} in version "${resource.version}" cannot be handled as a ${resource.kind}: strict decoding error: ${unknown}`;
  }

  /** Whether a GET asked for a Table of a custom resource (built-ins are answered as plain JSON). */
  function asTable(route: Route, accept: string | undefined): boolean {
    return (
      !route.status &&
      wantsTable(accept) &&
      resourceAt(route.base, route.plural, resources())?.columns !== undefined
    );
  }

  function dispatch(
    method: string,
    route: Route,
    query: URLSearchParams,
    body: StoredObject | undefined,
    res: ServerResponse,
  ) {
    if (route.name === undefined) {
      if (method === "GET" && query.get("watch") === "true") return handlers.watch(route, query, res);
      if (method === "GET") return handlers.list(route, query, res);
      if (method === "POST" && body !== undefined) return handlers.create(route, body, res);
    } else {
      if (method === "GET") return handlers.get(route, res);
      if (method === "PUT" && body !== undefined) return handlers.update(route, body, res);
      if (method === "PATCH" && body !== undefined) return handlers.apply(route, body, res);
      if (method === "DELETE") return handlers.delete(route, res);
    }
    send(res, 405, status(405, "MethodNotAllowed", `${method} is not supported by the fake`));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const url = `${tls === undefined ? "http" : "https"}://127.0.0.1:${port}`;
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, kubeconfigYaml(url, token, tls?.cert));
  t.after(async () => {
    for (const stream of openStreams) stream.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    url,
    token,
    kubeconfig,
    requests,
    object: (path) => {
      const route = parseRoute(path);
      return route === undefined ? undefined : store.get(objectKey(route));
    },
    objects: (path) => {
      const prefix = collectionKey(path);
      return [...store.entries()].filter(([k]) => k.startsWith(prefix)).map(([, o]) => o);
    },
    compact: () => {
      changes.splice(0, changes.length);
    },
    dropWatches: () => {
      for (const stream of openStreams) stream.end();
    },
  };
}

function status(code: number, reason: string, message: string): Json {
  return {
    kind: "Status",
    apiVersion: "v1",
    status: code < 300 ? "Success" : "Failure",
    code,
    reason,
    message,
  };
}

function notFound(res: ServerResponse, route: Route) {
  send(res, 404, status(404, "NotFound", `${route.plural} "${route.name ?? ""}" not found`));
}

function send(res: ServerResponse, code: number, body: unknown, end = true) {
  res.writeHead(code, { "content-type": "application/json" });
  if (end) res.end(body === undefined ? "" : JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function kubeconfigYaml(url: string, token: string, ca: string | undefined): string {
  const trust = ca === undefined ? "" : `, certificate-authority: "${ca}"`;
  return `apiVersion: v1
kind: Config
current-context: fake
clusters:
- name: fake
  cluster: {server: "${url}"${trust}}
users:
- name: fake
  user: {token: "${token}"}
contexts:
- name: fake
  context: {cluster: fake, user: fake, namespace: default}
`;
}
