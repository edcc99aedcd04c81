/**
 * DNS messages (RFC 1035) for the few queries a pod's resolver sends itself: a recursive A or AAAA
 * question, and the addresses its answer carries. Answers are checked against the question they answer
 * (id, name, type); a CNAME chain needs no following, since a recursive server puts the addresses of its
 * end in the same answer. Pure.
 */
export const TYPE_A = 1;
export const TYPE_AAAA = 28;
const CLASS_IN = 1;
const HEADER = 12;
const FLAG_RESPONSE = 0x8000;
const FLAG_TRUNCATED = 0x0200;
const FLAG_RECURSION_DESIRED = 0x0100;
const POINTER = 0xc0;

export interface DnsReply {
  /** The response code: 0 no error, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED, … */
  readonly rcode: number;
  /** Set when the answer did not fit in a datagram: ask again over TCP. */
  readonly truncated: boolean;
  readonly addresses: readonly string[];
}

/**
 * The query for `type` records of `name`, or `undefined` when `name` cannot be one (an empty label, or
 * one over 63 bytes, or a name over 253).
 */
export function encodeQuery(id: number, name: string, type: number): Buffer | undefined {
  const labels = name.replace(/\.$/, "").split(".");
  if (name.length > 254 || labels.some((label) => label.length === 0 || label.length > 63)) return undefined;
  const header = Buffer.alloc(HEADER);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(FLAG_RECURSION_DESIRED, 2);
  header.writeUInt16BE(1, 4);
  const question = Buffer.alloc(4);
  question.writeUInt16BE(type, 0);
  question.writeUInt16BE(CLASS_IN, 2);
  const encoded = labels.map((label) => {
    const bytes = Buffer.from(label, "latin1");
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([header, ...encoded, Buffer.from([0]), question]);
}

/** The reply `message` gives to `query`, or `undefined` when it answers another question or is malformed. */
export function decodeReply(message: Buffer, query: Buffer): DnsReply | undefined {
  try {
    return readReply(message, query);
  } catch {
    // A read past the end of a truncated or hostile message.
    return undefined;
  }
}

function readReply(message: Buffer, query: Buffer): DnsReply | undefined {
  const flags = message.readUInt16BE(2);
  const questionEnd = query.length;
  // Names compare without case: a server may answer in another.
  const question = (buffer: Buffer) => buffer.toString("latin1", HEADER, questionEnd).toLowerCase();
  const sameQuestion = message.length >= questionEnd && question(message) === question(query);
  if (
    message.readUInt16BE(0) !== query.readUInt16BE(0) ||
    (flags & FLAG_RESPONSE) === 0 ||
    message.readUInt16BE(4) !== 1 ||
    !sameQuestion
  ) {
    return undefined;
  }
  const type = query.readUInt16BE(questionEnd - 4);
  const addresses: string[] = [];
  let offset = questionEnd;
  for (let i = 0; i < message.readUInt16BE(6); i++) {
    offset = skipName(message, offset);
    const recordType = message.readUInt16BE(offset);
    const recordClass = message.readUInt16BE(offset + 2);
    const length = message.readUInt16BE(offset + 8);
    const data = message.subarray(offset + 10, offset + 10 + length);
    if (data.length !== length) return undefined;
    if (recordType === type && recordClass === CLASS_IN) {
      const address = formatAddress(type, data);
      if (address !== undefined) addresses.push(address);
    }
    offset += 10 + length;
  }
  return { rcode: flags & 0xf, truncated: (flags & FLAG_TRUNCATED) !== 0, addresses };
}

/** The offset just past the (possibly compressed) name at `offset`. */
function skipName(message: Buffer, offset: number): number {
  let at = offset;
  for (;;) {
    const length = message.readUInt8(at);
    if (length === 0) return at + 1;
    // A pointer ends the name where it stands.
    if ((length & POINTER) === POINTER) return at + 2;
    at += 1 + length;
  }
}

function formatAddress(type: number, data: Buffer): string | undefined {
  if (type === TYPE_A && data.length === 4) return [...data].join(".");
  if (type !== TYPE_AAAA || data.length !== 16) return undefined;
  const groups = Array.from({ length: 8 }, (_, i) => data.readUInt16BE(i * 2).toString(16));
  // The URL parser writes an IPv6 address in its canonical, compressed form (RFC 5952).
  return new URL(`http://[${groups.join(":")}]/`).hostname.slice(1, -1);
}
