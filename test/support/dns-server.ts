/**
 * A small authoritative DNS server for tests of name resolution: UDP on 127.0.0.1 (a free port), answering
 * A and AAAA questions from a fixed table. A name the table lacks gets NXDOMAIN; a name it has gets its
 * records of the asked type, none (NODATA) when it has none; `servfail` names get SERVFAIL. Every question
 * is recorded, in arrival order, so tests can check which names a resolver tried. Names listed in
 * `truncate` get a truncated UDP answer with no records, and their full answer over TCP on the same port.
 * `startDnsServerIn` runs one inside a network namespace (`ip netns exec`).
 */
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { createServer, isIPv4, type Socket } from "node:net";
import { createInterface } from "node:readline";
import type { Scope } from "./scope.ts";

export interface DnsRecords {
  readonly [name: string]: readonly string[] | "servfail";
}

export interface DnsServer {
  /** `127.0.0.1:<port>`, as a `nameserver` line (or `dns.setServers`) takes it. */
  readonly address: string;
  /** The questions asked so far, as `A name` or `AAAA name`, lowercased. */
  readonly questions: string[];
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

/**
 * Starts the server with `records` (name → IPv4 and IPv6 addresses), closed when `scope` ends; the names
 * in `truncate` are answered in full over TCP only.
 */
export async function startDnsServer(
  scope: Scope,
  records: DnsRecords,
  truncate: readonly string[] = [],
): Promise<DnsServer> {
  const socket = createSocket("udp4");
  const questions: string[] = [];
  socket.on("message", (message, remote) => {
    const reply = answer(message, records, questions, truncate);
    if (reply !== undefined) socket.send(reply, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  const tcp = createServer((connection) => answerOverTcp(connection, records, questions));
  tcp.listen(port, "127.0.0.1");
  await once(tcp, "listening");
  scope.after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  scope.after(() => new Promise<void>((resolve) => tcp.close(() => resolve())));
  return { address: `127.0.0.1:${port}`, questions };
}

/** Starts the server inside the network namespace `name`, as a child process ended with `scope`. */
export async function startDnsServerIn(
  scope: Scope,
  name: string,
  records: DnsRecords,
  truncate: readonly string[] = [],
): Promise<{ readonly address: string }> {
  const script = `import { startDnsServer } from ${JSON.stringify(import.meta.url)};
const server = await startDnsServer({ after() {} }, ${JSON.stringify(records)}, ${JSON.stringify(truncate)});
console.log(server.address);`;
  const child = spawn("ip", ["netns", "exec", name, process.execPath, "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  scope.after(() => child.kill());
  const [line] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
  return { address: line };
}

function answerOverTcp(connection: Socket, records: DnsRecords, questions: string[]): void {
  let received = Buffer.alloc(0);
  connection.on("error", () => undefined);
  connection.on("data", (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
    const reply = answer(received.subarray(2, 2 + received.readUInt16BE(0)), records, questions, []);
    if (reply === undefined) return void connection.destroy();
    const length = Buffer.alloc(2);
    length.writeUInt16BE(reply.length);
    connection.end(Buffer.concat([length, reply]));
  });
}

function answer(
  query: Buffer,
  records: DnsRecords,
  questions: string[],
  truncate: readonly string[],
): Buffer | undefined {
  const question = readQuestion(query);
  if (question === undefined) return undefined;
  const { name, type, end } = question;
  if (truncate.includes(name)) {
    const header = Buffer.from(query.subarray(0, 12));
    // QR, TC, the query's RD, RA; no records.
    header.writeUInt16BE(0x8000 | 0x0200 | (query.readUInt16BE(2) & 0x0100) | 0x0080, 2);
    header.writeUInt16BE(0, 6);
    return Buffer.concat([header, query.subarray(12, end)]);
  }
  questions.push(`${type === TYPE_AAAA ? "AAAA" : type === TYPE_A ? "A" : String(type)} ${name}`);
  const entry = records[name];
  const rcode = entry === undefined ? 3 : entry === "servfail" ? 2 : 0;
  const known: readonly string[] = entry === undefined || entry === "servfail" ? [] : entry;
  const wanted =
    type === TYPE_A || type === TYPE_AAAA ? known.filter((a) => isIPv4(a) === (type === TYPE_A)) : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  // QR, AA, the query's RD, RA; the response code.
  header.writeUInt16BE(0x8000 | 0x0400 | (query.readUInt16BE(2) & 0x0100) | 0x0080 | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(wanted.length, 6);
  return Buffer.concat([header, query.subarray(12, end), ...wanted.map((a) => resource(type, a))]);
}

function readQuestion(query: Buffer): { name: string; type: number; end: number } | undefined {
  if (query.length < 12 || query.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset] ?? 0;
    labels.push(query.toString("latin1", offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  if (offset + 5 > query.length) return undefined;
  return { name: labels.join(".").toLowerCase(), type: query.readUInt16BE(offset + 1), end: offset + 5 };
}

/** One answer record, its name a pointer to the question's (offset 12), TTL 0. */
function resource(type: number, address: string): Buffer {
  const data = type === TYPE_A ? Buffer.from(address.split(".").map(Number)) : ipv6Bytes(address);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(0, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = "", tail] = address.split("::");
  const first = head === "" ? [] : head.split(":");
  const last = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined
      ? first
      : [...first, ...Array<string>(8 - first.length - last.length).fill("0"), ...last];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
