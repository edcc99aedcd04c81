import { test } from "node:test";
import assert from "node:assert/strict";
import { startAdminServer } from "./admin-server.ts";
import { createMetrics } from "./metrics.ts";

test("with a token, every admin page asks for it, as a bearer token or a Basic password", async (t) => {
  const admin = await startAdminServer({
    host: "127.0.0.1",
    port: 0,
    metrics: createMetrics(),
    token: "s3cret",
    routes: [(_req, res, path) => path === "/" && (res.end("dashboard"), true)],
  });
  t.after(() => admin.close());
  const status = async (path: string, authorization?: string) =>
    (await fetch(`${admin.url}${path}`, { headers: authorization ? { authorization } : {} })).status;
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

  const refused = await fetch(`${admin.url}/metrics`);
  assert.equal(refused.status, 401);
  assert.match(refused.headers.get("www-authenticate") ?? "", /^Basic realm=/);
  assert.equal(await status("/", undefined), 401);
  assert.equal(await status("/metrics", "Bearer wrong"), 401);
  assert.equal(await status("/metrics", "Bearer s3cret-and-more"), 401);
  assert.equal(await status("/", basic("admin", "wrong")), 401);
  assert.equal(await status("/", "Basic not-base64-credentials"), 401);

  assert.equal(await status("/metrics", "Bearer s3cret"), 200);
  assert.equal(await status("/metrics", "bearer   s3cret"), 200);
  assert.equal(await status("/", basic("anyone", "s3cret")), 200);
  assert.equal(await status("/nothing", "Bearer s3cret"), 404);
});

test("without a token the admin pages are open", async (t) => {
  const admin = await startAdminServer({ host: "127.0.0.1", port: 0, metrics: createMetrics() });
  t.after(() => admin.close());
  assert.equal((await fetch(`${admin.url}/metrics`)).status, 200);
});
