import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo, LookupFunction } from "node:net";
import { createHostFetch } from "./host-fetch.ts";

/** Resolves every name to 127.0.0.1, recording the names asked for. */
function loopbackLookup(asked: string[]): LookupFunction {
  return (hostname, options, callback) => {
    asked.push(hostname);
    if (options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
    else callback(null, "127.0.0.1", 4);
  };
}

describe("the host's own fetch", () => {
  it("is Node's global fetch, untouched, without a lookup or sockets", async () => {
    const host = createHostFetch({ lookup: undefined, sockets: undefined });
    assert.equal(host.fetch, fetch);
    await host.close();
  });

  it("resolves through the lookup it is given, and its agent closes", async (t) => {
    const server = createServer((request, response) => response.end(`to ${request.headers.host}`));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    t.after(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const asked: string[] = [];
    const host = createHostFetch({ lookup: loopbackLookup(asked), sockets: undefined });
    const response = await host.fetch(new Request(`http://only-the-pod-knows.test:${port}/`));
    assert.equal(await response.text(), `to only-the-pod-knows.test:${port}`);
    assert.deepEqual(asked, ["only-the-pod-knows.test"]);
    await host.close();
    await assert.rejects(host.fetch(`http://only-the-pod-knows.test:${port}/`), /fetch failed/);
  });
});
