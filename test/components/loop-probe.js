// A fetch-event HTTP component that never answers on purpose, for the request-deadline tests in
// test/e2e/limits.test.ts: `/loop` spins in the handler's first run, `/loop-after-wait` spins after the guest
// has waited on a host timer (so it loops in a stack resumed through JSPI); anything else answers `ok`.
addEventListener("fetch", (event) => event.respondWith(route(new URL(event.request.url))));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function route(url) {
  if (url.pathname === "/loop") for (;;);
  if (url.pathname === "/loop-after-wait") {
    await sleep(10);
    for (;;);
  }
  return new Response("ok\n");
}
