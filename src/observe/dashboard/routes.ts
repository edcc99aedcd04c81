/**
 * The dashboard's pages on the admin listener: `/` (the page), its script and stylesheet (served from this
 * folder, never from elsewhere: the page works with no network beyond the admin listener, and its
 * content security policy says so), `/api/snapshot` (everything the feed holds, as JSON) and `/events`
 * (server-sent events: one `snapshot`, then a `tick` every second). Files are read once, at start-up.
 */
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import type { AdminRoute } from "../admin-server.ts";
import type { Feed } from "./feed.ts";

/** The app being served, as the dashboard lists it. */
export interface AppView {
  readonly name: string;
  readonly routes: readonly { readonly component: string; readonly route: string }[];
  /** Per component: instances ready for a request, and the linear memory its instances hold. */
  readonly instances: readonly ComponentInstances[];
}

export interface ComponentInstances {
  readonly component: string;
  readonly ready: number;
  readonly memoryBytes: number;
}

const ASSETS: Readonly<Record<string, readonly [file: string, type: string]>> = {
  "/": ["index.html", "text/html; charset=utf-8"],
  "/dashboard.js": ["dashboard.js", "text/javascript; charset=utf-8"],
  "/dashboard.css": ["dashboard.css", "text/css; charset=utf-8"],
};

const POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'";

export function dashboardRoutes(feed: Feed, app: () => AppView | undefined): AdminRoute[] {
  const files = new Map(
    Object.entries(ASSETS).map(([path, [file, type]]) => [
      path,
      { body: readFileSync(new URL(file, import.meta.url)), type },
    ]),
  );
  const asset: AdminRoute = (_req, res, path) => {
    const file = files.get(path);
    if (file === undefined) return false;
    res.setHeader("content-type", file.type);
    res.setHeader("content-security-policy", POLICY);
    res.setHeader("cache-control", "no-cache");
    res.end(file.body);
    return true;
  };
  const snapshot: AdminRoute = (_req, res, path) => {
    if (path !== "/api/snapshot") return false;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ app: app(), ...feed.snapshot() }));
    return true;
  };
  const events: AdminRoute = (req, res, path) => {
    if (path !== "/events") return false;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    send(res, "snapshot", { app: app(), ...feed.snapshot() });
    const unsubscribe = feed.subscribe((tick) => send(res, "tick", { app: app(), ...tick }));
    req.once("close", unsubscribe);
    return true;
  };
  return [asset, snapshot, events];
}

function send(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
