import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RegistryClient } from "./client.ts";
import { sha256Digest } from "./digest.ts";
import { parseReference } from "./reference.ts";
import { DEFAULT_RETRY } from "./retry.ts";

interface Seen {
  method: string;
  url: string;
  authorization: string | null;
}
type Handler = (request: Seen & { body: Uint8Array | undefined }) => Response | undefined;

/** A fake registry as a `fetch`: the first handler that answers wins; every request is recorded. */
function fakeFetch(...handlers: Handler[]): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fake = (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    const request = {
      method: init?.method ?? "GET",
      url: input instanceof Request ? input.url : input.toString(),
      authorization: headers.get("authorization"),
    };
    seen.push(request);
    const body = init?.body instanceof Uint8Array ? init.body : undefined;
    for (const handler of handlers) {
      const response = handler({ ...request, body });
      if (response !== undefined) return Promise.resolve(response);
    }
    return Promise.resolve(new Response("{}", { status: 404 }));
  };
  return { fetch: fake, seen };
}

const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {
    mediaType: "application/vnd.oci.image.config.v1+json",
    digest: sha256Digest(new Uint8Array()),
    size: 0,
  },
  layers: [],
});
const MANIFEST_DIGEST = sha256Digest(Buffer.from(MANIFEST));
const BLOB = Buffer.from("blob bytes");
const BLOB_DIGEST = sha256Digest(BLOB);
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const noSleep = { ...DEFAULT_RETRY, delay: () => Promise.resolve() };

const bearerRegistry: Handler = ({ url, authorization }) => {
  const { pathname, searchParams } = new URL(url);
  if (url.startsWith("https://auth.example/token")) {
    if (authorization !== null && authorization !== basic("alice", "pw"))
      return new Response("", { status: 401 });
    return Response.json({
      token: `tok(${searchParams.get("scope") ?? ""},${authorization === null ? "anon" : "alice"})`,
    });
  }
  const challenge = 'Bearer realm="https://auth.example/token",service="reg.example"';
  if (pathname === "/v2/")
    return new Response("", { status: 401, headers: { "www-authenticate": challenge } });
  if (!authorization?.startsWith("Bearer tok(repository:team/app:pull")) {
    return new Response("", {
      status: 401,
      headers: { "www-authenticate": `${challenge},scope="repository:team/app:pull"` },
    });
  }
  if (pathname === "/v2/team/app/manifests/v1") {
    return new Response(MANIFEST, { headers: { "docker-content-digest": MANIFEST_DIGEST } });
  }
  if (pathname === `/v2/team/app/blobs/${BLOB_DIGEST}`) return new Response(BLOB);
  return undefined;
};

describe("RegistryClient auth flow", () => {
  it("pings, fetches one Bearer token per scope with the stored login, and reuses it", async () => {
    const { fetch, seen } = fakeFetch(bearerRegistry);
    const client = RegistryClient.create(
      "reg.example",
      { fetch, retry: noSleep },
      { username: "alice", password: "pw" },
    );
    const pulled = await client.pullManifest(parseReference("reg.example/team/app:v1"));
    assert.equal(pulled.digest, MANIFEST_DIGEST);
    assert.deepEqual(Buffer.from(await client.pullBlob("team/app", BLOB_DIGEST)), BLOB);
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.url} ${s.authorization ?? "-"}`),
      [
        "GET https://reg.example/v2/ -",
        `GET https://auth.example/token?service=reg.example&scope=repository%3Ateam%2Fapp%3Apull ${basic("alice", "pw")}`,
        "GET https://reg.example/v2/team/app/manifests/v1 Bearer tok(repository:team/app:pull,alice)",
        `GET https://reg.example/v2/team/app/blobs/${BLOB_DIGEST} Bearer tok(repository:team/app:pull,alice)`,
      ],
    );
  });

  it("asks for an anonymous token when there is no login", async () => {
    const { fetch, seen } = fakeFetch(bearerRegistry);
    const client = RegistryClient.create("reg.example", {
      fetch,
      retry: noSleep,
      env: { DOCKER_CONFIG: "/nonexistent" },
    });
    await client.pullManifest(parseReference("reg.example/team/app:v1"));
    assert.equal(seen[1]?.authorization, null);
    assert.equal(seen[2]?.authorization, "Bearer tok(repository:team/app:pull,anon)");
  });

  it("fetches a fresh token when the registry refuses the cached one, then retries once", async () => {
    let issued = 0;
    const challenge =
      'Bearer realm="https://auth.example/token",service="reg.example",scope="repository:team/app:pull"';
    const { fetch, seen } = fakeFetch(({ url, authorization }) => {
      if (url.startsWith("https://auth.example/")) return Response.json({ access_token: `tok${++issued}` });
      if (authorization === "Bearer tok2") return new Response(BLOB);
      return new Response("", {
        status: 401,
        headers: { "www-authenticate": `${challenge},error="invalid_token"` },
      });
    });
    const client = RegistryClient.create("reg.example", {
      fetch,
      retry: noSleep,
      env: { DOCKER_CONFIG: "/nonexistent" },
    });
    await client.pullBlob("team/app", BLOB_DIGEST);
    assert.deepEqual(
      seen.map((s) => `${s.method} ${new URL(s.url).pathname} ${s.authorization ?? "-"}`),
      [
        "GET /v2/ -",
        "GET /token -",
        `GET /v2/team/app/blobs/${BLOB_DIGEST} Bearer tok1`,
        "GET /token -",
        `GET /v2/team/app/blobs/${BLOB_DIGEST} Bearer tok2`,
      ],
    );
  });

  it("says which registry refused a login", async () => {
    const { fetch } = fakeFetch(bearerRegistry);
    const client = RegistryClient.create(
      "reg.example",
      { fetch, retry: noSleep },
      { username: "alice", password: "no" },
    );
    await assert.rejects(client.verifyLogin(), {
      message:
        "reg.example rejected the username or password (HTTP 401 from https://auth.example/token?service=reg.example)",
    });
  });

  it("sends Basic credentials to a Basic registry, over plain HTTP for loopback", async () => {
    const { fetch, seen } = fakeFetch(({ authorization }) => {
      if (authorization === basic("bob", "pw")) return new Response(BLOB);
      return new Response("", { status: 401, headers: { "www-authenticate": 'Basic realm="r"' } });
    });
    const client = RegistryClient.create(
      "127.0.0.1:5000",
      { fetch, retry: noSleep },
      { username: "bob", password: "pw" },
    );
    await client.pullBlob("x", BLOB_DIGEST);
    assert.deepEqual(
      seen.map((s) => s.url),
      ["http://127.0.0.1:5000/v2/", `http://127.0.0.1:5000/v2/x/blobs/${BLOB_DIGEST}`],
    );
  });

  it("tells the user to log in when a registry wants credentials it has none of", async () => {
    const { fetch } = fakeFetch(
      () => new Response("", { status: 401, headers: { "www-authenticate": 'Basic realm="r"' } }),
    );
    const client = RegistryClient.create("ghcr.io", {
      fetch,
      retry: noSleep,
      env: { DOCKER_CONFIG: "/nonexistent" },
    });
    await assert.rejects(client.pullManifest(parseReference("ghcr.io/a/b:v1")), {
      message: "manifest ghcr.io/a/b:v1: ghcr.io requires authentication (HTTP 401)",
      hint: "log in first: spindle registry login ghcr.io -u <user>",
    });
  });
});

describe("RegistryClient transfers", () => {
  const open: Handler = ({ url }) => (new URL(url).pathname === "/v2/" ? new Response("{}") : undefined);

  it("uses HTTPS for remote registries unless insecure", async () => {
    for (const [insecure, scheme] of [
      [false, "https"],
      [true, "http"],
    ] as const) {
      const { fetch, seen } = fakeFetch(open, () => new Response(BLOB));
      await RegistryClient.create("reg.example:5000", { fetch, retry: noSleep, insecure }).pullBlob(
        "a",
        BLOB_DIGEST,
      );
      assert.ok(
        seen.every((s) => s.url.startsWith(`${scheme}://reg.example:5000/`)),
        JSON.stringify(seen),
      );
    }
  });

  it("retries 5xx answers with backoff, through the injected delay", async () => {
    let failures = 2;
    const waits: number[] = [];
    const { fetch } = fakeFetch(open, () =>
      failures-- > 0 ? new Response("", { status: 503 }) : new Response(BLOB),
    );
    const retry = { ...DEFAULT_RETRY, delay: (ms: number) => (waits.push(ms), Promise.resolve()) };
    await RegistryClient.create("reg.example", { fetch, retry }).pullBlob("a", BLOB_DIGEST);
    assert.deepEqual(waits, [250, 500]);
  });

  it("refuses a blob whose bytes do not match its digest", async () => {
    const { fetch } = fakeFetch(open, () => new Response("tampered"));
    await assert.rejects(
      RegistryClient.create("reg.example", { fetch, retry: noSleep }).pullBlob("a/b", BLOB_DIGEST),
      {
        message: `digest mismatch for blob ${BLOB_DIGEST} of reg.example/a/b: expected ${BLOB_DIGEST}, got ${sha256Digest(Buffer.from("tampered"))}`,
      },
    );
  });

  it("refuses a manifest whose bytes do not match the digest the registry claims", async () => {
    const { fetch } = fakeFetch(
      open,
      () => new Response(MANIFEST, { headers: { "docker-content-digest": BLOB_DIGEST } }),
    );
    await assert.rejects(
      RegistryClient.create("reg.example", { fetch, retry: noSleep }).pullManifest(
        parseReference("reg.example/a:v1"),
      ),
      /^SpindleError: digest mismatch for manifest reg.example\/a:v1: expected sha256:/,
    );
  });

  it("uploads a blob with POST, then PUT to the Location with the digest", async () => {
    const { fetch, seen } = fakeFetch(open, ({ method, url, body }) => {
      if (method === "POST")
        return new Response("", { status: 202, headers: { location: "/v2/a/blobs/uploads/u1?_state=s" } });
      if (method === "PUT" && body !== undefined && sha256Digest(body) === BLOB_DIGEST) {
        return new Response("", { status: 201, headers: { location: url } });
      }
      return undefined;
    });
    const pushed = await RegistryClient.create("reg.example", { fetch, retry: noSleep }).pushBlob(
      "a",
      new Uint8Array(BLOB),
    );
    assert.deepEqual(pushed, { digest: BLOB_DIGEST, mounted: false });
    assert.deepEqual(
      seen.slice(1).map((s) => `${s.method} ${s.url}`),
      [
        "POST https://reg.example/v2/a/blobs/uploads/",
        `PUT https://reg.example/v2/a/blobs/uploads/u1?_state=s&digest=${encodeURIComponent(BLOB_DIGEST)}`,
      ],
    );
  });

  it("mounts a blob from another repository without sending it, asking for a token covering both", async () => {
    const mount: Handler = ({ method, url, authorization }) =>
      method === "POST" && url.includes("mount=") && authorization?.startsWith("Bearer ")
        ? new Response("", { status: 201 })
        : undefined;
    const { fetch, seen } = fakeFetch(mount, bearerRegistry);
    const client = RegistryClient.create("reg.example", { fetch, retry: noSleep });
    const pushed = await client.pushBlob("b", new Uint8Array(BLOB), "a");
    assert.deepEqual(pushed, { digest: BLOB_DIGEST, mounted: true });
    const token = seen.find((s) => s.url.startsWith("https://auth.example/token"));
    assert.deepEqual(new URL(token?.url ?? "").searchParams.getAll("scope"), [
      "repository:b:pull,push",
      "repository:a:pull",
    ]);
    assert.deepEqual(
      seen.filter((s) => s.url.startsWith("https://reg.example/v2/b")).map((s) => `${s.method} ${s.url}`),
      [`POST https://reg.example/v2/b/blobs/uploads/?mount=${BLOB_DIGEST}&from=a`],
    );
  });

  it("uploads through the session the registry opens when it cannot mount", async () => {
    const { fetch, seen } = fakeFetch(open, ({ method, url }) => {
      if (method === "POST")
        return new Response("", { status: 202, headers: { location: "/v2/b/blobs/uploads/u2" } });
      return method === "PUT" ? new Response("", { status: 201, headers: { location: url } }) : undefined;
    });
    const client = RegistryClient.create("reg.example", { fetch, retry: noSleep });
    const pushed = await client.pushBlob("b", new Uint8Array(BLOB), "gone");
    assert.deepEqual(pushed, { digest: BLOB_DIGEST, mounted: false });
    assert.equal(
      seen.at(-1)?.url,
      `https://reg.example/v2/b/blobs/uploads/u2?digest=${encodeURIComponent(BLOB_DIGEST)}`,
    );
  });

  it("follows an index to its wasm entry", async () => {
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: BLOB_DIGEST,
          size: 1,
          platform: { os: "linux", architecture: "amd64" },
        },
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: MANIFEST_DIGEST,
          size: 1,
          platform: { os: "wasip1", architecture: "wasm" },
        },
      ],
    });
    const { fetch, seen } = fakeFetch(open, ({ url }) =>
      url.endsWith("/manifests/multi")
        ? new Response(index)
        : url.endsWith(MANIFEST_DIGEST)
          ? new Response(MANIFEST)
          : undefined,
    );
    const pulled = await RegistryClient.create("reg.example", { fetch, retry: noSleep }).pullManifest(
      parseReference("reg.example/a:multi"),
    );
    assert.equal(pulled.digest, MANIFEST_DIGEST);
    assert.equal(seen.at(-1)?.url, `https://reg.example/v2/a/manifests/${MANIFEST_DIGEST}`);
  });
});
