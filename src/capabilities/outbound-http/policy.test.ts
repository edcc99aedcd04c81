import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createLogger } from "../../observe/logger.ts";
import { buildAllowList } from "./allow-list.ts";
import { createOutboundHttp, type InternalTarget, type OutboundHttpOptions } from "./policy.ts";
import { OutboundError, type OutboundRequest, type OutboundResponse } from "./outbound.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** Listens on a free port; the server and any connection the client left open end with the test. */
async function listen(t: TestContext, server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

function serve(t: TestContext, handler: Handler): Promise<number> {
  return listen(t, createServer(handler));
}

interface Harness {
  readonly lines: string[];
  readonly dispatched: [InternalTarget, OutboundRequest][];
  readonly send: (request: Partial<OutboundRequest> & { url: string }) => Promise<OutboundResponse>;
}

function harness(entries: string[], extra: Partial<OutboundHttpOptions> = {}): Harness {
  const lines: string[] = [];
  const dispatched: [InternalTarget, OutboundRequest][] = [];
  const componentIds = ["api", "worker"];
  const outbound = createOutboundHttp({
    component: "api",
    allowList: buildAllowList({ component: "api", entries, variables: new Map(), componentIds }),
    componentIds,
    logger: createLogger({ write: (line: string) => lines.push(line) }),
    dispatchInternal: (target, request) => {
      dispatched.push([target, request]);
      return Promise.resolve({ status: 202, headers: [["x-internal", "yes"]], body: chunks("inside") });
    },
    ...extra,
  });
  return {
    lines,
    dispatched,
    send: (request) => outbound.send({ method: "GET", headers: [], body: undefined, ...request }),
  };
}

async function* chunks(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield await Promise.resolve(new TextEncoder().encode(part));
}

async function text(body: AsyncIterable<Uint8Array>): Promise<string> {
  let out = "";
  const decoder = new TextDecoder();
  for await (const chunk of body) out += decoder.decode(chunk, { stream: true });
  return out + decoder.decode();
}

async function rejectsWith(promise: Promise<unknown>, code: OutboundError["code"]): Promise<OutboundError> {
  const error = await promise.then(
    () => assert.fail(`expected an OutboundError ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof OutboundError, `not an OutboundError: ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return error;
}

test("an allowed request reaches the server and its response comes back unchanged", async (t) => {
  let seen: Record<string, string | undefined> = {};
  const port = await serve(t, (req, res) => {
    const { host, "x-custom": custom, "accept-encoding": encoding } = req.headers;
    seen = { method: req.method, url: req.url, host, custom: String(custom), encoding };
    res.setHeader("set-cookie", ["a=1", "b=2"]);
    res.setHeader("x-upstream", "kept");
    res.writeHead(201);
    res.end("created");
  });
  const { send, lines } = harness([`http://127.0.0.1:${port}`]);
  const response = await send({
    url: `http://127.0.0.1:${port}/things?x=1`,
    headers: [
      ["x-custom", "value"],
      ["host", "forged.example.com"],
    ],
  });
  assert.equal(response.status, 201);
  assert.equal(await text(response.body), "created");
  assert.deepEqual(
    response.headers.filter(([name]) => name === "set-cookie" || name === "x-upstream"),
    [
      ["x-upstream", "kept"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
    ],
  );
  // The Host header is the destination's, and fetch must not ask for a compressed body it would decode.
  assert.deepEqual(seen, {
    method: "GET",
    url: "/things?x=1",
    host: `127.0.0.1:${port}`,
    custom: "value",
    encoding: "identity",
  });
  assert.deepEqual(lines, []);
});

test("a request body is streamed to the server as the guest produces it", async (t) => {
  let firstChunkArrived!: () => void;
  const arrived = new Promise<void>((resolve) => (firstChunkArrived = resolve));
  const port = await serve(t, (req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      firstChunkArrived();
    });
    req.on("end", () => res.end(`got ${body}`));
  });
  async function* guestBody(): AsyncIterable<Uint8Array> {
    yield new TextEncoder().encode("first,");
    await arrived; // only continues once the server has read the first chunk
    yield new TextEncoder().encode("second");
  }
  const { send } = harness([`http://127.0.0.1:${port}`]);
  const response = await send({ method: "POST", url: `http://127.0.0.1:${port}/`, body: guestBody() });
  assert.equal(await text(response.body), "got first,second");
});

test("redirects are handed back to the guest, not followed", async (t) => {
  const port = await serve(t, (_req, res) => {
    res.writeHead(302, { location: "/elsewhere" });
    res.end();
  });
  const { send } = harness([`http://127.0.0.1:${port}`]);
  const response = await send({ url: `http://127.0.0.1:${port}/` });
  assert.equal(response.status, 302);
  assert.deepEqual(
    response.headers.find(([name]) => name === "location"),
    ["location", "/elsewhere"],
  );
});

test("a denied request rejects with HTTP-request-denied and logs one line with the fix", async (t) => {
  let reached = false;
  const port = await serve(t, (_req, res) => {
    reached = true;
    res.end();
  });
  const { send, lines } = harness(["https://api.example.com"]);
  const error = await rejectsWith(send({ url: `http://127.0.0.1:${port}/secret` }), "HTTP-request-denied");
  assert.match(error.message, /127\.0\.0\.1/);
  assert.equal(reached, false);
  assert.equal(lines.length, 1);
  const line = lines[0] ?? "";
  assert.match(line, /WARN/);
  assert.match(line, /component "api"/);
  assert.ok(line.includes(`http://127.0.0.1:${port}/secret`), line);
  assert.ok(
    line.includes(`add allowed_outbound_hosts = ["http://127.0.0.1:${port}"] to [component.api]`),
    line,
  );
});

test("credentials in a denied URL stay out of the log", async () => {
  const { send, lines } = harness([]);
  await rejectsWith(send({ url: "https://user:hunter2@example.com/" }), "HTTP-request-denied");
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0] ?? "", /hunter2/);
});

test("an invalid URL rejects with HTTP-request-URI-invalid", async () => {
  const { send, lines } = harness(["*://*:*"]);
  await rejectsWith(send({ url: "http://[::1" }), "HTTP-request-URI-invalid");
  await rejectsWith(send({ url: "" }), "HTTP-request-URI-invalid");
  assert.deepEqual(lines, []);
});

test("self requests are dispatched to the app only when a self entry allows them", async () => {
  const denied = harness(["https://example.com"]);
  await rejectsWith(denied.send({ url: "/hello" }), "HTTP-request-denied");
  await rejectsWith(denied.send({ url: "http://self.alt/hello" }), "HTTP-request-denied");
  assert.deepEqual(denied.dispatched, []);
  assert.equal(denied.lines.length, 2);
  assert.match(denied.lines[0] ?? "", /allowed_outbound_hosts = \["http:\/\/self"\]/);

  const allowed = harness(["http://self"]);
  const response = await allowed.send({ url: "/hello?x=1", headers: [["Host", "evil"]] });
  assert.equal(response.status, 202);
  assert.equal(await text(response.body), "inside");
  await allowed.send({ url: "http://self.alt/other" });
  assert.deepEqual(
    allowed.dispatched.map(([target, request]) => [target, request.url, request.headers]),
    [
      [{ self: true }, "/hello?x=1", []],
      [{ self: true }, "/other", []],
    ],
  );
});

test("spin.internal requests are dispatched to the component only when allowed", async () => {
  const denied = harness(["https://example.com"]);
  await rejectsWith(denied.send({ url: "http://worker.spin.internal/job" }), "HTTP-request-denied");
  assert.deepEqual(denied.dispatched, []);

  const allowed = harness(["http://*.spin.internal"]);
  const response = await allowed.send({ url: "http://worker.spin.internal/job?id=7" });
  assert.equal(response.status, 202);
  await rejectsWith(allowed.send({ url: "http://nobody.spin.internal/" }), "HTTP-request-denied");
  assert.deepEqual(
    allowed.dispatched.map(([target, request]) => [target, request.url]),
    [[{ component: "worker" }, "/job?id=7"]],
  );
});

test("a spin.internal host that names no component is destination-not-found", async () => {
  const { send, dispatched } = harness(["*://*:*"]);
  await rejectsWith(send({ url: "http://nobody.spin.internal/" }), "destination-not-found");
  assert.deepEqual(dispatched, []);
});

test("allowed non-HTTP schemes are refused as invalid URIs", async () => {
  const { send } = harness(["*://*:*"]);
  await rejectsWith(send({ url: "redis://cache:6379/" }), "HTTP-request-URI-invalid");
});

test("network failures map to wasi:http error codes", async (t) => {
  const closed = createTcpServer();
  const closedPort = await listen(t, closed);
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const { send } = harness(["*://*:*"]);
  await rejectsWith(send({ url: `http://127.0.0.1:${closedPort}/` }), "connection-refused");

  const hangUp = createTcpServer((socket) => socket.destroy());
  const hangUpPort = await listen(t, hangUp);
  await rejectsWith(send({ url: `http://127.0.0.1:${hangUpPort}/` }), "connection-terminated");

  const garbage = createTcpServer((socket) => socket.end("not http\r\n\r\n"));
  const garbagePort = await listen(t, garbage);
  await rejectsWith(send({ url: `http://127.0.0.1:${garbagePort}/` }), "HTTP-protocol-error");
});

test("a DNS failure maps to DNS-error", async () => {
  const { send } = harness(["*://*:*"], {
    fetch: () =>
      Promise.reject(
        new TypeError("fetch failed", {
          cause: Object.assign(new Error("getaddrinfo"), { code: "ENOTFOUND" }),
        }),
      ),
  });
  await rejectsWith(send({ url: "https://no-such-host.invalid/" }), "DNS-error");
});

test("a server that does not answer in time maps to a timeout", async (t) => {
  const silent = createTcpServer(() => undefined);
  const silentPort = await listen(t, silent);
  const { send } = harness(["*://*:*"]);
  await rejectsWith(
    send({ url: `http://127.0.0.1:${silentPort}/`, firstByteTimeoutMs: 50 }),
    "connection-timeout",
  );

  const slowPort = await serve(t, (_req, res) => {
    res.write("start");
  });
  const response = await send({ url: `http://127.0.0.1:${slowPort}/`, betweenBytesTimeoutMs: 50 });
  await rejectsWith(text(response.body), "HTTP-response-timeout");
});
