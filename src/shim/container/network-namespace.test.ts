import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect } from "node:net";
import { once } from "node:events";
import { inNetworkNamespace, isOwnNetworkNamespace, listenInNetworkNamespace } from "./network-namespace.ts";

// Entering a namespace, even this process's own, needs CAP_SYS_ADMIN.
const skip = process.getuid?.() === 0 ? false : "entering a network namespace needs root";
const OWN = "/proc/self/ns/net";

test("tells this process's own network namespace from another path", () => {
  assert.equal(isOwnNetworkNamespace(OWN), true);
  assert.throws(
    () => isOwnNetworkNamespace("/var/run/netns/no-such-pod"),
    /network namespace \/var\/run\/netns\/no-such-pod does not exist/,
  );
});

test("a socket made inside a namespace serves a node:net server", { skip }, async (t) => {
  const fd = listenInNetworkNamespace(OWN, { host: "127.0.0.1", port: 0 });
  const server = createServer((socket) => socket.end("from the namespace"));
  t.after(() => server.close());
  server.listen({ fd });
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  const client = connect(port, "127.0.0.1");
  const [data] = (await once(client, "data")) as [Buffer];
  assert.equal(data.toString(), "from the namespace");

  assert.throws(
    () => listenInNetworkNamespace(OWN, { host: "127.0.0.1", port }),
    /cannot listen on 127\.0\.0\.1:\d+: the address is already in use/,
  );
  assert.throws(
    () => listenInNetworkNamespace(OWN, { host: "pod.local", port: 80 }),
    /cannot listen on pod\.local:80 in a pod's network namespace/,
  );
  assert.equal(
    inNetworkNamespace(OWN, () => "back"),
    "back",
  );
});
