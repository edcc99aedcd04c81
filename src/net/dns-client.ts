/**
 * A stub resolver's queries sent from outbound sockets (the node-wide containerd shim's are made in the pod's
 * network namespace), for what c-ares cannot do: its sockets are made where the process is. Each question
 * goes to the name servers in order, `attempts` rounds of them, each waiting `timeoutMs`, as glibc and c-ares
 * do: over UDP from a new connected socket (so a new source port) with a random id, and over TCP when the
 * answer was truncated. An answer (addresses, NXDOMAIN, no data) ends the question; SERVFAIL, REFUSED,
 * silence or a socket error moves on to the next server. Failures carry c-ares's codes (`ENOTFOUND`,
 * `ENODATA`, `ESERVFAIL`, `ETIMEOUT`, …), so callers read them as a `dns.Resolver`'s; an error with no code
 * (a socket the hook cannot make: a `SpindleError` with its hint) is no server's fault and rejects the
 * question as it is. Nothing is cached; one per app.
 */
import { randomInt } from "node:crypto";
import { createSocket } from "node:dgram";
import { decodeReply, encodeQuery, TYPE_A, TYPE_AAAA, type DnsReply } from "./dns-message.ts";
import { addressForSocket, connectOutbound, type OutboundSockets } from "./outbound-socket.ts";
import type { Nameserver } from "./resolv-conf.ts";

/** The queries the pod resolver asks, as `dns.promises.Resolver` has them. */
export interface DnsQueries {
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
}

export interface DnsClientOptions {
  readonly nameservers: readonly Nameserver[];
  readonly timeoutMs: number;
  readonly attempts: number;
  readonly sockets: OutboundSockets;
}

/** c-ares's code for each response code that sends the question on to the next server. */
const SERVER_FAILURES: Readonly<Record<number, string>> = {
  1: "EFORMERR",
  2: "ESERVFAIL",
  4: "ENOTIMP",
  5: "EREFUSED",
};

export function dnsClient(options: DnsClientOptions): DnsQueries {
  const ask = async (name: string, type: number): Promise<string[]> => {
    const query = encodeQuery(randomInt(0x10000), name, type);
    if (query === undefined) throw dnsError("EBADNAME", name);
    let failure = "ETIMEOUT";
    for (let attempt = 0; attempt < options.attempts; attempt++) {
      for (const server of options.nameservers) {
        const reply = await exchange(options, server, query).catch(unlessHostFault);
        if (reply !== undefined && SERVER_FAILURES[reply.rcode] === undefined) return answer(reply, name);
        if (reply !== undefined) failure = SERVER_FAILURES[reply.rcode] ?? failure;
      }
    }
    throw dnsError(failure, name);
  };
  return { resolve4: (name) => ask(name, TYPE_A), resolve6: (name) => ask(name, TYPE_AAAA) };
}

function answer(reply: DnsReply, name: string): string[] {
  if (reply.rcode === 3) throw dnsError("ENOTFOUND", name);
  if (reply.rcode !== 0) throw dnsError("EBADRESP", name);
  if (reply.addresses.length === 0) throw dnsError("ENODATA", name);
  return [...reply.addresses];
}

/** Whether `error` is a query's failure, which c-ares's and sockets' errors name by a `code`. */
export function isQueryFailure(error: unknown): boolean {
  return typeof (error as { code?: unknown } | undefined)?.code === "string";
}

/** No reply from a server that failed to answer; the host's own faults go on up. */
function unlessHostFault(error: unknown): undefined {
  if (isQueryFailure(error)) return undefined;
  throw error;
}

async function exchange(options: DnsClientOptions, server: Nameserver, query: Buffer): Promise<DnsReply> {
  const reply = await overUdp(options, server, query);
  return reply.truncated ? overTcp(options, server, query) : reply;
}

function overUdp(options: DnsClientOptions, server: Nameserver, query: Buffer): Promise<DnsReply> {
  const made = options.sockets("datagram");
  const socket = createSocket(made.family === 6 ? "udp6" : "udp4");
  const host = addressForSocket(made.family, server.host);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      outcome();
    };
    const timer = setTimeout(() => settle(() => reject(failure("ETIMEOUT", "no answer"))), options.timeoutMs);
    socket.on("error", (error) => settle(() => reject(error)));
    socket.on("message", (message) => {
      const reply = decodeReply(message, query);
      if (reply !== undefined) settle(() => resolve(reply));
    });
    // Connected, it hears only that server, and learns at once (ECONNREFUSED) when nothing listens there.
    socket.bind({ fd: made.fd }, () => socket.connect(server.port, host, () => socket.send(query)));
  });
}

/** The same question over TCP, each message after its two-byte length (RFC 1035 4.2.2). */
function overTcp(options: DnsClientOptions, server: Nameserver, query: Buffer): Promise<DnsReply> {
  const socket = connectOutbound(options.sockets, server);
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(options.timeoutMs, () => fail(failure("ETIMEOUT", "no answer")));
    socket.on("error", fail);
    socket.on("end", () => fail(failure("ECONNRESET", "the server closed the connection before answering")));
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 2 || received.length < 2 + received.readUInt16BE(0)) return;
      const reply = decodeReply(received.subarray(2, 2 + received.readUInt16BE(0)), query);
      socket.destroy();
      if (reply === undefined) reject(failure("EBADRESP", "a malformed answer"));
      else resolve(reply);
    });
    const length = Buffer.alloc(2);
    length.writeUInt16BE(query.length);
    socket.write(Buffer.concat([length, query]));
  });
}

/** One server's failure to answer, coded so the question moves on to the next. */
function failure(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

/** An error as `dns.Resolver` rejects with: `queryA ENOTFOUND name`, its `code` c-ares's. */
function dnsError(code: string, hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`query ${code} ${hostname}`), { code, hostname });
}
