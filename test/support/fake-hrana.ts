/**
 * A FAKE libSQL server for tests — not sqld. No libSQL server can run here, so this speaks just the part of
 * the Hrana-over-HTTP protocol that `@libsql/client`'s web client uses: it refuses the `GET /v3-protobuf`
 * version probe (so the client falls back to JSON), answers `GET /v2`, and serves `POST /v2/pipeline`
 * with the `execute`, `sequence` and `close` requests the client sends for one statement or a batch of
 * them, handing out and checking batons (`batch`, `store_sql`, cursors and the rest are refused as
 * unsupported). Statements run on one in-memory `node:sqlite` database shared by every stream (no
 * transactions across requests). Every pipeline must carry `Authorization: Bearer <token>`, else 401.
 * Stopped when the scope ends.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from "node:sqlite";
import type { Scope } from "./scope.ts";

export interface FakeHrana {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The pipeline requests served so far (their `type`s), in order. */
  readonly requests: string[];
}

type HranaValue =
  | { type: "null" }
  | { type: "integer"; value: string }
  | { type: "float"; value: number }
  | { type: "text"; value: string }
  | { type: "blob"; base64: string };

interface Stmt {
  sql: string;
  args?: HranaValue[];
  named_args?: unknown[];
  want_rows?: boolean;
}

type StreamRequest = { type: "close" } | { type: "execute"; stmt: Stmt } | { type: "sequence"; sql: string };

class HranaError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

export async function startFakeHrana(scope: Scope, token: string): Promise<FakeHrana> {
  const db = new DatabaseSync(":memory:");
  const batons = new Set<string>();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => reply(res, 500, { message: String(error) }));
  });
  async function serve(req: IncomingMessage, res: ServerResponse) {
    if (req.method === "GET" && req.url === "/v2") return reply(res, 200, {});
    if (req.method !== "POST" || req.url !== "/v2/pipeline") return reply(res, 404, { message: "Not found" });
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { "content-type": "text/plain" }).end("Unauthorized: bad or missing token");
      return;
    }
    const body = JSON.parse(await text(req)) as { baton?: string | null; requests: StreamRequest[] };
    if (body.baton !== undefined && body.baton !== null && !batons.delete(body.baton)) {
      return reply(res, 400, { message: "Stream handle (baton) is not valid" });
    }
    const results = body.requests.map((request) => {
      requests.push(request.type);
      try {
        return { type: "ok", response: handle(db, request) };
      } catch (error) {
        return { type: "error", error: errorOf(error) };
      }
    });
    const closed = body.requests.some((request) => request.type === "close");
    const baton = closed ? null : randomUUID();
    if (baton !== null) batons.add(baton);
    reply(res, 200, { baton, base_url: null, results });
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  scope.after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    db.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function handle(db: DatabaseSync, request: StreamRequest): object {
  switch (request.type) {
    case "close":
      return { type: "close" };
    case "execute":
      return { type: "execute", result: execute(db, request.stmt) };
    case "sequence":
      db.exec(request.sql);
      return { type: "sequence" };
    default:
      throw new HranaError(
        `the fake server does not support ${(request as { type: string }).type}`,
        "UNSUPPORTED",
      );
  }
}

function execute(db: DatabaseSync, stmt: Stmt) {
  if ((stmt.named_args ?? []).length > 0) {
    throw new HranaError("the fake server does not support named arguments", "UNSUPPORTED");
  }
  const prepared = db.prepare(stmt.sql);
  prepared.setReadBigInts(true);
  prepared.setReturnArrays(true);
  const args = (stmt.args ?? []).map(toInput);
  const cols = prepared.columns().map((column) => ({ name: column.name, decltype: column.type }));
  if (cols.length === 0) {
    const { changes, lastInsertRowid } = prepared.run(...args);
    return {
      cols,
      rows: [],
      affected_row_count: Number(changes),
      last_insert_rowid: String(lastInsertRowid),
    };
  }
  const rows = prepared.all(...args) as unknown as SQLOutputValue[][];
  return { cols, rows: rows.map((row) => row.map(toHrana)), affected_row_count: 0, last_insert_rowid: null };
}

function toInput(value: HranaValue): SQLInputValue {
  switch (value.type) {
    case "null":
      return null;
    case "integer":
      return BigInt(value.value);
    case "float":
      return value.value;
    case "text":
      return value.value;
    case "blob":
      return Buffer.from(value.base64, "base64");
  }
}

function toHrana(value: SQLOutputValue): HranaValue {
  if (value === null) return { type: "null" };
  if (typeof value === "bigint") return { type: "integer", value: String(value) };
  if (typeof value === "number") return { type: "float", value };
  if (typeof value === "string") return { type: "text", value };
  return { type: "blob", base64: Buffer.from(value).toString("base64") };
}

/** A Hrana error: SQLite's message, and a code the client turns into `LibsqlError.code`. */
function errorOf(error: unknown): { message: string; code: string } {
  if (error instanceof HranaError) return { message: error.message, code: error.code };
  const { errcode } = error as { errcode?: number };
  const code = errcode === 19 ? "SQLITE_CONSTRAINT" : "SQLITE_ERROR";
  return { message: error instanceof Error ? error.message : String(error), code };
}

function reply(res: ServerResponse, status: number, body: object) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function text(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
