// A small JSON API: the router dispatches each fetch event by method and path, and AutoRouter turns the
// objects handlers return into JSON responses and unmatched routes into 404s. Try:
//   curl localhost:3000/            curl localhost:3000/hello/you
//   curl -d '{"a":1}' localhost:3000/echo
//   curl localhost:3000/proxy       curl -H 'x-upstream-url: https://example.com/x' localhost:3000/proxy
import { AutoRouter, error, type IRequest } from "itty-router";
import { getEnvironment } from "wasi:cli/environment@0.2.3";

const router = AutoRouter();

/** The component's environment, read per request: the host sets it from `environment` in spin.toml. */
function env(name: string): string | undefined {
  return getEnvironment().find(([key]) => key === name)?.[1];
}

router
  .get("/", () => ({ greeting: env("GREETING") ?? "Hello!", routes: ["/hello/:name", "/echo", "/proxy"] }))
  .get("/hello/:name", ({ params }) => ({ greeting: `Hello, ${params["name"] ?? "you"}!` }))
  .post("/echo", async (request: IRequest) => ({ received: await readJson(request) }))
  .get("/proxy", proxy);

async function readJson(request: IRequest): Promise<unknown> {
  try {
    return (await request.json()) as unknown;
  } catch {
    return error(400, "the body must be JSON");
  }
}

/**
 * Fetches the URL in the `x-upstream-url` header (default: UPSTREAM_URL from the environment) and reports
 * what came back. The host refuses destinations missing from allowed_outbound_hosts, which surfaces here as
 * a rejected fetch.
 */
async function proxy(request: IRequest): Promise<unknown> {
  const target = request.headers.get("x-upstream-url") ?? env("UPSTREAM_URL");
  if (target === undefined) return error(400, "set x-upstream-url or UPSTREAM_URL");
  try {
    const response = await fetch(target);
    const body = await response.text();
    return {
      url: target,
      status: response.status,
      contentType: response.headers.get("content-type"),
      bytes: body.length,
    };
  } catch (cause) {
    return error(502, { url: target, error: String(cause) });
  }
}

addEventListener("fetch", (event: FetchEvent) => {
  event.respondWith(router.fetch(event.request));
});
