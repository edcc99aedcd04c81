/**
 * The operator's HTTP endpoints, as controller-runtime's manager serves them: `/metrics` (Prometheus
 * text) on the metrics address, `/healthz` (a ping) and `/readyz` (ready once every watch has listed) on
 * the health-probe address. Addresses are `host:port`, or `:port` for every interface; `0` turns an
 * endpoint off. One of each per operator process.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SpindleError } from "../../errors.ts";

export interface Endpoint {
  /** `http://host:port` with the bound port. */
  readonly url: string;
  close(): Promise<void>;
}

type Page = () => { status: number; body: string };

/** Starts a server answering `pages` by path, or resolves `undefined` when `address` is `0`. */
export async function startEndpoint(
  address: string,
  pages: Readonly<Record<string, Page>>,
  flag: string,
): Promise<Endpoint | undefined> {
  if (address === "0") return undefined;
  const { host, port } = parseBindAddress(address, flag);
  const server = createServer((req, res) => {
    const page = pages[(req.url ?? "/").split("?", 1)[0] ?? "/"];
    const { status, body } = page === undefined ? { status: 404, body: "not found\n" } : page();
    res.writeHead(status, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
    res.end(body);
  });
  await listen(server, host, port, flag);
  const bound = server.address() as AddressInfo;
  const shown = bound.address.includes(":") ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${shown}:${bound.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** `host:port`, `[v6]:port` or `:port` (every interface). */
export function parseBindAddress(text: string, flag: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (match === null || port > 65535) {
    throw new SpindleError(`invalid ${flag} "${text}"`, {
      hint: `use HOST:PORT or :PORT (e.g. ${flag} :8080), or 0 to turn it off`,
    });
  }
  return { host: match[1] ?? (match[2] || "0.0.0.0"), port };
}

function listen(server: Server, host: string, port: number, flag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error) =>
      reject(
        new SpindleError(`cannot listen on ${host}:${port} (${flag}): ${error.message}`, {
          cause: error,
          hint: `choose another address with ${flag}`,
        }),
      ),
    );
    server.listen(port, host, resolve);
  });
}
