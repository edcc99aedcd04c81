// A fetch-event HTTP component (the Spin JS SDK's shape) that reports what it sees, so end-to-end tests
// can assert Spindle's component executor from the outside. One route per feature; see
// test/e2e/components.test.ts for what each is expected to do.
//
// It runs inside the component (StarlingMonkey), against WIT imports and the fetch-event global that
// neither the type checker nor the linter can resolve, so both skip this folder.
import { getEnvironment } from "wasi:cli/environment@0.2.3";
import { getDirectories } from "wasi:filesystem/preopens@0.2.3";
import { handle } from "wasi:http/outgoing-handler@0.2.3";
import { Fields, OutgoingRequest } from "wasi:http/types@0.2.3";

// Module state: a fresh instance per request means this is 1 on every request.
let requests = 0;

addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.pathname === "/no-response") return;
  event.respondWith(route(event.request, url));
});

const json = (value, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function route(request, url) {
  requests += 1;
  const query = url.searchParams;
  // Under a wildcard route such as `/caller/...` the feature is named by the part after the prefix.
  switch (request.headers.get("spin-path-info") || url.pathname) {
    case "/request":
      return json({ method: request.method, url: request.url, headers: [...request.headers] });
    case "/counter":
      return json({ requests });
    case "/status":
      return new Response(`status ${query.get("code")}`, {
        status: Number(query.get("code")),
        headers: { "x-probe": "status" },
      });
    case "/echo":
      return new Response(request.body, { headers: { "x-method": request.method } });
    case "/echo-length": {
      const body = new Uint8Array(await request.arrayBuffer());
      // Every 1009th byte: the guest's interpreter is too slow to sum megabytes per request.
      let sum = 0;
      for (let i = 0; i < body.length; i += 1009) sum = (sum + body[i]) % 65521;
      return json({ length: body.length, sum });
    }
    case "/large":
      return large(Number(query.get("size")));
    case "/stream":
      return stream(Number(query.get("chunks")), Number(query.get("delay")));
    case "/throw":
      throw new Error("probe failure on purpose");
    case "/env":
      return json(Object.fromEntries(getEnvironment()));
    case "/file":
      return readFile(query.get("path") ?? "");
    case "/file-write":
      return writeFile(query.get("path") ?? "");
    case "/outbound":
      return outbound(request.headers.get("x-target") ?? "");
    case "/outbound-raw":
      return json(outboundRaw(new URL(request.headers.get("x-target") ?? "")));
    case "/fields":
      return json(fieldRules());
    default:
      return new Response("not found", { status: 404 });
  }
}

// `size` bytes of the pattern byte[i] = i % 251, written in 64 KiB chunks.
function large(size) {
  let sent = 0;
  return new Response(
    new ReadableStream({
      pull(controller) {
        const n = Math.min(65536, size - sent);
        const chunk = new Uint8Array(n);
        for (let i = 0; i < n; i++) chunk[i] = (sent + i) % 251;
        sent += n;
        controller.enqueue(chunk);
        if (sent >= size) controller.close();
      },
    }),
  );
}

function stream(chunks, delay) {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream({
      async start(controller) {
        for (let i = 0; i < chunks; i++) {
          if (i > 0) await sleep(delay);
          controller.enqueue(encoder.encode(`chunk ${i}\n`));
        }
        controller.close();
      },
    }),
  );
}

function readFile(path) {
  const preopens = getDirectories();
  if (preopens.length === 0) return json({ error: "no preopens" }, 404);
  const [root] = preopens[0];
  try {
    const file = root.openAt({}, path.replace(/^\//, ""), {}, { read: true });
    const { size, type } = file.stat();
    const [bytes] = file.read(size, 0n);
    return json({ type, size: Number(size), text: new TextDecoder().decode(bytes) });
  } catch (error) {
    return json({ error: String(error?.payload ?? error) }, 404);
  }
}

function writeFile(path) {
  const [root] = getDirectories()[0];
  try {
    root.openAt({}, path.replace(/^\//, ""), { create: true }, { write: true });
    return json({ error: "none" });
  } catch (error) {
    return json({ error: String(error?.payload ?? error) }, 403);
  }
}

async function outbound(target) {
  try {
    const response = await fetch(target);
    return json({ status: response.status, body: await response.text() });
  } catch (error) {
    return json({ error: String(error) }, 502);
  }
}

// The same request through wasi:http directly, to report the exact error-code the host gives.
function outboundRaw(target) {
  const outgoing = new OutgoingRequest(Fields.fromList([["host", new TextEncoder().encode(target.host)]]));
  outgoing.setScheme({ tag: target.protocol === "https:" ? "HTTPS" : "HTTP" });
  outgoing.setAuthority(target.host);
  outgoing.setPathWithQuery(target.pathname + target.search);
  const future = handle(outgoing, undefined);
  future.subscribe().block();
  const outcome = future.get();
  if (outcome.tag !== "ok") return { outcome: "taken twice" };
  if (outcome.val.tag === "err") return { error: outcome.val.val };
  return { status: outcome.val.val.status() };
}

// What the host's header maps allow, as the error tag of each attempt ("ok" when it succeeded).
function fieldRules() {
  const bytes = (text) => new TextEncoder().encode(text);
  const attempt = (action) => {
    try {
      action();
      return "ok";
    } catch (error) {
      return error?.payload?.tag ?? String(error);
    }
  };
  const fields = new Fields();
  const response = new OutgoingRequest(Fields.fromList([["x-a", bytes("1")]]));
  return {
    append: attempt(() => fields.append("x-Custom", bytes("v"))),
    readBack: new TextDecoder().decode(fields.get("X-CUSTOM")[0]),
    forbidden: attempt(() => fields.append("connection", bytes("close"))),
    badName: attempt(() => fields.set("bad name", [bytes("v")])),
    badValue: attempt(() => fields.append("x-b", bytes("a\nb"))),
    fromListForbidden: attempt(() => Fields.fromList([["transfer-encoding", bytes("chunked")]])),
    immutable: attempt(() => response.headers().append("x-c", bytes("1"))),
    entries: fields.entries().map(([name, value]) => [name, new TextDecoder().decode(value)]),
  };
}
