import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, connect, type LookupFunction, type Socket } from "node:net";
import { once } from "node:events";
import { execFileSync } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import { podNetwork } from "../../../test/support/pods.ts";
import { connectOutbound, outboundStream } from "../../net/outbound-socket.ts";
import { resolverLookup } from "../../net/resolver.ts";
import {
  inNetworkNamespace,
  isOwnNetworkNamespace,
  listenInNetworkNamespace,
  socketsInNetworkNamespace,
} from "./network-namespace.ts";

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
  assert.throws(() => listenInNetworkNamespace(OWN, { host: "fe80::1", port: 0 }), {
    message: "cannot listen on [fe80::1]:0: invalid argument (EINVAL)",
  });
  assert.throws(
    () => listenInNetworkNamespace(OWN, { host: "pod.local", port: 80 }),
    /cannot listen on pod\.local:80 in a pod's network namespace/,
  );
  assert.equal(
    inNetworkNamespace(OWN, () => "back"),
    "back",
  );
});

test("outbound sockets made inside a namespace reach what listens only there", { skip }, async (t) => {
  const scope = { after: (cleanup: () => unknown) => t.after(cleanup) };
  const pod = podNetwork(scope, `spindle-egress-${process.pid}`);
  const servers = ["127.0.0.1", "::1"].map((host) => {
    const server = createServer((socket) => socket.end(`inside, from ${socket.remoteAddress}`));
    server.listen({ fd: listenInNetworkNamespace(pod, { host, port: 0 }) });
    t.after(() => server.close());
    return server;
  });
  await Promise.all(servers.map((server) => once(server, "listening")));
  const [v4, v6] = servers.map((server) => (server.address() as { port: number }).port);
  const sockets = socketsInNetworkNamespace(pod);
  const lookup = resolverLookup({ resolvConf: "", hosts: "127.0.0.1 db.pod.test\n" });
  const read = async (socket: Socket) => ((await once(socket, "data")) as [Buffer])[0].toString();

  assert.equal(
    await read(connectOutbound(sockets, { host: "127.0.0.1", port: v4! })),
    "inside, from 127.0.0.1",
  );
  assert.equal(await read(connectOutbound(sockets, { host: "::1", port: v6! })), "inside, from ::1");
  assert.equal(
    await read(connectOutbound(sockets, { host: "db.pod.test", port: v4!, lookup })),
    "inside, from 127.0.0.1",
  );
  // A name that takes a while to resolve: the socket must not read before it is connected (ENOTCONN).
  const slow: LookupFunction = (name, options, callback) =>
    setTimeout(() => lookup(name, options, callback), 50);
  assert.equal(
    await read(connectOutbound(sockets, { host: "db.pod.test", port: v4!, lookup: slow })),
    "inside, from 127.0.0.1",
  );
  const stream = outboundStream(sockets, slow);
  stream.connect(v4!, "db.pod.test");
  assert.equal(await read(stream), "inside, from 127.0.0.1");
  // The same port on the shim's own loopback has no server behind it.
  const outside = connect(v4!, "127.0.0.1");
  await assert.rejects(once(outside, "data"), { code: "ECONNREFUSED" });
});

test("a path that is no network namespace is named as such", { skip }, () => {
  assert.throws(() => inNetworkNamespace("/proc/self/ns/uts", () => "entered"), {
    message: "cannot enter the network namespace /proc/self/ns/uts: not a network namespace (EINVAL)",
    hint: /must name a network namespace/,
  });
});

test(
  "running out of file descriptors points at LimitNOFILE, opening the namespace or making the socket",
  { skip },
  () => {
    const sockets = socketsInNetworkNamespace(OWN);
    closeSync(sockets("stream").fd); // opens the shim's own namespace once, before descriptors run out
    const limit = (soft: string) => execFileSync("prlimit", [`--pid=${process.pid}`, `--nofile=${soft}:`]);
    const soft = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync("/proc/self/limits", "utf8"))?.[1];
    const held: number[] = [];
    // Room enough for spawning prlimit again once the descriptors are let go.
    limit(String(readdirSync("/proc/self/fd").length + 64));
    try {
      for (;;) held.push(openSync("/dev/null", "r"));
    } catch {
      // Every descriptor the lowered limit allows is held.
    }
    try {
      assert.throws(() => sockets("stream"), {
        message: /^cannot open the container's network namespace \/proc\/self\/ns\/net: EMFILE/,
        hint: /LimitNOFILE/,
      });
      closeSync(held.pop()!);
      assert.throws(() => sockets("stream"), {
        message: "cannot make a socket in a pod's network namespace: too many open files (EMFILE)",
        hint: /LimitNOFILE/,
      });
    } finally {
      for (const fd of held) closeSync(fd);
      limit(soft ?? "unlimited");
    }
  },
);
