/**
 * A FAKE Kubernetes API server for the operator's tests: no API server can run on the machines this
 * project is tested on, so this node:http server implements just the REST subset the operator's client
 * and kubectl use, in memory. It is not Kubernetes; the only schema it checks is a CRD's declared fields.
 * This module routes requests and serves the reads: get, list (with `key=value` label selectors and name
 * and namespace field selectors) and watch streams from a resourceVersion (with bookmarks, 410 once the
 * history is compacted). The writes (create, update, the status and scale subresources, server-side
 * apply, JSON merge and JSON patches, delete with finalizers and propagation policies) are in
 * fake-kube-writes.ts, the ownerReference garbage collector in fake-kube-gc.ts, the memory in
 * fake-kube-store.ts. It runs no Deployment controller: tests set a Deployment's status themselves. Every
 * request is recorded for assertions. API groups named in `unservedGroups` answer 404, as a cluster
 * without that CRD does. For kubectl it also serves discovery and Tables with a CRD's printer columns
 * (fake-kube-discovery.ts), an OpenAPI v3 that offers server-side field validation (fake-kube-openapi.ts),
 * and HTTPS (`tls`), since kubectl sends a bearer token only over TLS.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { discovery, resourceAt, servedResources, table, wantsTable } from "./fake-kube-discovery.ts";
import { openApiDocument } from "./fake-kube-openapi.ts";
import { FakeStore, type Change } from "./fake-kube-store.ts";
import { FakeWrites } from "./fake-kube-writes.ts";
import type { Scope } from "./scope.ts";
import { selfSignedCert } from "./tls.ts";
import {
  collectionKey,
  collectionOf,
  matchesSelectors,
  notFound,
  objectKeyParts,
  parseRoute,
  status,
  type Reply,
  type Route,
  type StoredObject,
} from "./fake-kube-objects.ts";

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
  /**
   * Answers every request for the resources `plural` (`serviceaccounts`) with 403 Forbidden from now on,
   * as an API server answers a client whose RBAC lacks them; `undefined` lifts it. The fake has no RBAC.
   */
  forbid(plural: string | undefined): void;
}

export interface FakeKubeOptions {
  /** API groups (`keda.sh`) the fake does not serve. */
  readonly unservedGroups?: readonly string[];
  /** Serve HTTPS with a self-signed certificate the kubeconfig trusts (kubectl sends its token only so). */
  readonly tls?: boolean;
}

const CRDS = "apis/apiextensions.k8s.io/v1/customresourcedefinitions";

export async function startFakeKube(t: Scope, options: FakeKubeOptions = {}): Promise<FakeKube> {
  const unserved = new Set((options.unservedGroups ?? []).map((group) => `apis/${group}`));
  const token = randomUUID();
  const store = new FakeStore();
  const openStreams = new Set<ServerResponse>();
  const requests: RecordedRequest[] = [];
  let forbidden: string | undefined;

  const listed = (route: Route, query: URLSearchParams) => {
    const collection = collectionOf(route);
    const prefix = route.namespace === undefined ? `${collection}/` : `${collection}/${route.namespace}/`;
    return store.withPrefix(prefix).filter((o) => matchesSelectors(o, query));
  };
  const resources = () => servedResources(listed(parseRoute(`/${CRDS}`) as Route, new URLSearchParams()));
  const writes = new FakeWrites(store, resources);

  const reads = {
    list(route: Route, query: URLSearchParams): Reply {
      const items = listed(route, query);
      const metadata = { resourceVersion: String(store.rv) };
      return { code: 200, body: { kind: "List", apiVersion: "v1", metadata, items } };
    },
    /** `kubectl get` of a custom resource: the list, or the one object, as a Table. */
    table(route: Route, query: URLSearchParams): Reply {
      const resource = resourceAt(route.base, route.plural, resources());
      const found = route.name === undefined ? listed(route, query) : [store.get(...objectKeyParts(route))];
      const objects = found.filter((o) => o !== undefined);
      if (resource === undefined || (route.name !== undefined && objects.length === 0)) {
        return notFound(route);
      }
      return { code: 200, body: table(resource, objects, String(store.rv)) };
    },
    get(route: Route): Reply {
      if (route.subresource === "scale") return writes.readScale(route);
      const found = store.get(...objectKeyParts(route));
      return found === undefined ? notFound(route) : { code: 200, body: found };
    },
  };

  function watch(route: Route, query: URLSearchParams, res: ServerResponse) {
    const collection = collectionOf(route);
    const history = store.changesSince(Number(query.get("resourceVersion") ?? "0"));
    if (history === undefined) {
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
    for (const change of history) emit(change);
    const bookmark = { type: "BOOKMARK", object: { metadata: { resourceVersion: String(store.rv) } } };
    res.write(`${JSON.stringify(bookmark)}\n`);
    const stop = store.watch(emit);
    openStreams.add(res);
    res.once("close", () => {
      stop();
      openStreams.delete(res);
    });
  }

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
    const method = req.method ?? "";
    requests.push({
      method,
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
    if (document !== undefined && method === "GET") return send(res, 200, document);
    const route = parseRoute(url.pathname);
    if (route === undefined || unserved.has(route.base.replace(/\/[^/]+$/, ""))) {
      return send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
    }
    if (route.plural === forbidden) {
      const message = `${forbidden} is forbidden: the fake was told to refuse them`;
      return send(res, 403, status(403, "Forbidden", message));
    }
    const text = await readBody(req);
    const query = url.searchParams;
    if (method === "GET" && query.get("watch") === "true" && route.name === undefined) {
      return watch(route, query, res);
    }
    const body: unknown = text === "" ? undefined : JSON.parse(text);
    const contentType = req.headers["content-type"];
    const reply =
      method === "GET"
        ? read(route, query, req.headers.accept)
        : writes.write({ method, route, query, contentType, body });
    if (reply === undefined) {
      return send(res, 405, status(405, "MethodNotAllowed", `${method} is not supported by the fake`));
    }
    send(res, reply.code, reply.body);
  }

  function read(route: Route, query: URLSearchParams, accept: string | undefined): Reply {
    if (asTable(route, accept)) return reads.table(route, query);
    return route.name === undefined ? reads.list(route, query) : reads.get(route);
  }

  /** Whether a GET asked for a Table of a custom resource (built-ins are answered as plain JSON). */
  function asTable(route: Route, accept: string | undefined): boolean {
    return (
      route.subresource === undefined &&
      wantsTable(accept) &&
      resourceAt(route.base, route.plural, resources())?.columns !== undefined
    );
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
      return route === undefined ? undefined : store.get(...objectKeyParts(route));
    },
    objects: (path) => store.withPrefix(collectionKey(path)),
    compact: () => store.compact(),
    dropWatches: () => {
      for (const stream of openStreams) stream.end();
    },
    forbid: (plural) => {
      forbidden = plural;
    },
  };
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
