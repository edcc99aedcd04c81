// The peer a user would otherwise pick: a plain node:http server doing the same JSON work as the guests.
import { createServer } from "node:http";

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const body = JSON.stringify({
    ok: true,
    method: req.method,
    path: url.pathname,
    query: url.search.slice(1),
  });
  res.setHeader("content-type", "application/json");
  res.end(`${body}\n`);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address !== null && typeof address === "object")
    process.stdout.write(`Serving http://127.0.0.1:${address.port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
