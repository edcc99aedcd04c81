import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TtrpcClient, TtrpcStatusError } from "./client.ts";
import { TtrpcServer } from "./server.ts";
import { ShimError } from "./status.ts";

test("calls reach their handler; failures come back as gRPC status codes", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ttrpc-"));
  const server = new TtrpcServer();
  let release = () => undefined as void;
  const held = new Promise<void>((resolve) => (release = resolve));
  server.register(
    "test.Echo",
    new Map([
      ["Echo", (payload: Uint8Array) => Promise.resolve(payload)],
      ["Hold", async () => (await held, Uint8Array.of(1))],
      ["Missing", () => Promise.reject(new ShimError("not-found", "no such task"))],
    ]),
  );
  await server.listen(join(dir, "s"));
  const client = await TtrpcClient.connect(join(dir, "s"));
  t.after(async () => {
    client.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const holding = client.call("test.Echo", "Hold", new Uint8Array());
  assert.deepEqual([...(await client.call("test.Echo", "Echo", Uint8Array.of(7, 8)))], [7, 8]);
  release();
  assert.deepEqual([...(await holding)], [1]);
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 0,
      (e: unknown) => (e instanceof TtrpcStatusError ? e.code : -1),
    );
  assert.equal(await codeOf(client.call("test.Echo", "Missing", new Uint8Array())), 5);
  assert.equal(await codeOf(client.call("test.Echo", "Nope", new Uint8Array())), 12);
  assert.equal(await codeOf(client.call("other.Service", "Echo", new Uint8Array())), 12);
});

test("counts open connections, and every connection accepted, closed ones too", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "ttrpc-"));
  const server = new TtrpcServer();
  await server.listen(join(dir, "s"));
  t.after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const first = await TtrpcClient.connect(join(dir, "s"));
  const second = await TtrpcClient.connect(join(dir, "s"));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual([server.connections, server.accepted], [2, 2]);
  first.close();
  second.close();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual([server.connections, server.accepted], [0, 2]);
});
