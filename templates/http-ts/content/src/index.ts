// The component's HTTP handler. Every request arrives as a fetch event; the router picks the handler by
// method and path, and AutoRouter turns returned objects into JSON responses and unmatched paths into 404s.
import { AutoRouter } from "itty-router";

const router = AutoRouter();

router
  .get("/", () => new Response("Hello from a TypeScript component!\n"))
  .get("/hello/:name", ({ params }) => ({ greeting: `Hello, ${params["name"] ?? "you"}!` }));

addEventListener("fetch", (event: FetchEvent) => {
  event.respondWith(router.fetch(event.request));
});
