// End to end: the dashboard on the admin listener, in real headless Chromium (Debian's `chromium` package,
// driven by playwright-core): it loads with nothing from outside the admin listener, lists the app's
// routes, shows a request made during the test with its guest's log line and its error (in the errors and,
// as the host's log line, in the log), and draws charts. Behind a token, it goes live with the browser's
// Basic credentials.
// A screenshot is saved under test-results/.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { DEFAULT_POOL_SIZE } from "../../src/engine/instance-pool.ts";
import { makeApp } from "../support/apps.ts";
import { startApp, type RunningApp } from "../support/cli.ts";
import { request } from "../support/http.ts";
import { adminUrl } from "../support/prometheus.ts";
import { suiteScope } from "../support/scope.ts";

const CHROMIUM = "/usr/bin/chromium";
const RESULTS = fileURLToPath(new URL("../../test-results/", import.meta.url));

const MANIFEST = `spin_manifest_version = 2
[application]
name = "dashboarded"

[[trigger.http]]
route = "/status/..."
component = "status"
executor = { type = "wagi" }

[component.status]
source = "status.wasm"
`;

const skip = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium`;

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
}

describe("dashboard", { skip }, () => {
  const scope = suiteScope();
  let app: RunningApp;
  let admin: string;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  before(async () => {
    const dir = makeApp(scope, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    app = await startApp(scope, ["-f", dir, "--admin-listen", "127.0.0.1:0"]);
    admin = adminUrl(app);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(admin);
    await page.locator("#connection", { hasText: "live" }).waitFor({ timeout: 10_000 });
  });
  after(async () => {
    await browser?.close();
  });

  it("lists the app's components and routes", async () => {
    assert.equal(await page.locator("#app-name").textContent(), "dashboarded");
    const routes = page.locator("#routes tbody tr");
    await routes.first().waitFor();
    assert.deepEqual(await routes.first().locator("td").allTextContents(), [
      "status",
      "/status (wildcard)",
      "0",
      "0",
    ]);
  });

  it("shows each component's ready instances and the linear memory they hold", async () => {
    const cells = page.locator("#instances tbody tr").first().locator("td");
    await cells.first().waitFor();
    const [component, ready, memory] = await cells.allTextContents();
    assert.equal(component, "status");
    assert.equal(ready, String(DEFAULT_POOL_SIZE), "the WAGI pool is full");
    assert.match(memory ?? "", /^\d+\.\d MiB$/);
    assert.notEqual(memory, "0.0 MiB");
  });

  it("shows a request made now, its guest's log line, and a failed one in the errors and the log", async () => {
    assert.equal((await request(app.url, "/status/seen-by-the-dashboard?stderr")).status, 200);
    assert.equal((await request(app.url, "/status/broken?trap")).status, 500);
    const row = page.locator("#requests tbody tr", { hasText: "/status/seen-by-the-dashboard" });
    await row.waitFor({ timeout: 5_000 });
    assert.match((await row.textContent()) ?? "", /GET.*status.*200/);
    await page.locator("#errors li", { hasText: "/status/broken" }).waitFor({ timeout: 5_000 });
    await page
      .locator("#logs", { hasText: "[status] wagi-status: a line on stderr" })
      .waitFor({ timeout: 5_000 });
    await page
      .locator("#logs", { hasText: "[status] spindle: ERROR request failed" })
      .waitFor({ timeout: 5_000 });
    await page.locator("#routes tbody tr", { hasText: "status" }).filter({ hasText: "2" }).waitFor();
  });

  it("draws the request rate, latency and instantiation charts", async () => {
    await page.locator("#rate-chart path.rate").waitFor({ timeout: 5_000 });
    await page
      .locator("#latency-chart circle.p99, #latency-chart path.p99")
      .first()
      .waitFor({ timeout: 5_000 });
    const bars = await page.locator("#instantiation-chart rect.bar").count();
    assert.ok(bars > 0);
    mkdirSync(RESULTS, { recursive: true });
    await page.screenshot({ path: `${RESULTS}dashboard.png`, fullPage: true });
  });

  it("loads nothing from anywhere but the admin listener", () => {
    assert.ok(requested.length > 0);
    for (const url of requested) assert.ok(url.startsWith(`${admin}/`), url);
  });

  it("serves the same data as JSON", async () => {
    const snapshot = (await (await fetch(`${admin}/api/snapshot`)).json()) as { app: { name: string } };
    assert.equal(snapshot.app.name, "dashboarded");
  });
});

describe("dashboard behind a token", { skip }, () => {
  const scope = suiteScope();
  let browser: Browser;
  after(async () => {
    await browser?.close();
  });

  it("is refused without credentials and goes live with the token as the Basic password", async () => {
    const dir = makeApp(scope, { manifest: MANIFEST, guests: { "status.wasm": "wagi-status" } });
    const app = await startApp(scope, ["-f", dir, "--admin-listen", "127.0.0.1:0"], {
      env: { SPINDLE_ADMIN_TOKEN: "t0ken" },
    });
    assert.equal((await fetch(adminUrl(app))).status, 401);
    browser = await launchChromium();
    const context = await browser.newContext({ httpCredentials: { username: "me", password: "t0ken" } });
    const page = await context.newPage();
    await page.goto(adminUrl(app));
    await page.locator("#connection", { hasText: "live" }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator("#app-name").textContent(), "dashboarded");
  });
});
