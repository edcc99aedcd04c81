// The peer a user would otherwise pick: a plain node:http server doing the same JSON work as the guests.
// For the memory benchmark it also answers `/slow?ms=N` after N ms, and `/in-flight` with how many
// requests are being answered right now. It listens on PORT when set (in a container on the host
// network), else on a free port.
import { createServer } from "node:http";

let inFlight = 0;

const server = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/in-flight") {
    res.end(`${inFlight}\n`);
    return;
  }
  if (url.pathname === "/slow") {
    inFlight += 1;
    setTimeout(
      () => {
        inFlight -= 1;
        res.end("slow\n");
      },
      Number(url.searchParams.get("ms")),
    );
    return;
  }
  const body = JSON.stringify({
    ok: true,
    method: req.method,
    path: url.pathname,
    query: url.search.slice(1),
  });
  res.setHeader("content-type", "application/json");
  res.end(`${body}\n`);
});
server.listen(Number(process.env["PORT"] ?? 0), "127.0.0.1", () => {
  const address = server.address();
  if (address !== null && typeof address === "object")
    process.stdout.write(`Serving http://127.0.0.1:${address.port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
