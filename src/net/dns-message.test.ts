// DNS messages: a query for any valid name reads back as that question; a reply is read only when it
// answers the question asked (id, name in any case, type), with its A or AAAA records, compressed names
// and CNAMEs skipped; any bytes at all read as a reply or as nothing, never as an exception.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeReply, encodeQuery, TYPE_A, TYPE_AAAA } from "./dns-message.ts";

/** A reply to `query`: its header with QR set, `rcode`, the question, then `answers`. */
function reply(query: Buffer, rcode: number, answers: Buffer[], flags = 0): Buffer {
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8180 | flags | rcode, 2);
  header.writeUInt16BE(answers.length, 6);
  return Buffer.concat([header, query.subarray(12), ...answers]);
}

/** A record named by a pointer to the question's name. */
function record(type: number, data: number[]): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, Buffer.from(data)]);
}

test("reads the addresses of the asked type, past a CNAME", () => {
  const query = encodeQuery(0x1234, "web.svc.test", TYPE_AAAA)!;
  const cname = record(5, [3, ...Buffer.from("api"), 0xc0, 0x0c]);
  const v6 = record(TYPE_AAAA, [0xfd, 0, ...Array<number>(13).fill(0), 7]);
  assert.deepEqual(decodeReply(reply(query, 0, [cname, v6, record(TYPE_A, [10, 0, 0, 7])]), query), {
    rcode: 0,
    truncated: false,
    addresses: ["fd00::7"],
  });
  assert.deepEqual(decodeReply(reply(query, 3, [], 0x0200), query), {
    rcode: 3,
    truncated: true,
    addresses: [],
  });
});

test("reads no reply to another question, nor a malformed one", () => {
  const query = encodeQuery(1, "web.svc.test", TYPE_A)!;
  const answered = reply(query, 0, [record(TYPE_A, [10, 0, 0, 7])]);
  assert.deepEqual(decodeReply(answered, query)?.addresses, ["10.0.0.7"]);
  assert.deepEqual(decodeReply(answered, encodeQuery(1, "WEB.svc.test", TYPE_A)!)?.addresses, ["10.0.0.7"]);
  assert.equal(decodeReply(answered, encodeQuery(2, "web.svc.test", TYPE_A)!), undefined);
  assert.equal(decodeReply(answered, encodeQuery(1, "api.svc.test", TYPE_A)!), undefined);
  assert.equal(decodeReply(answered, encodeQuery(1, "web.svc.test", TYPE_AAAA)!), undefined);
  assert.equal(decodeReply(answered.subarray(0, answered.length - 2), query), undefined);
  assert.equal(decodeReply(query, query), undefined, "a query is no reply");
});

test("encodes no query for a name that cannot be one", () => {
  assert.equal(encodeQuery(1, "a..b", TYPE_A), undefined);
  assert.equal(encodeQuery(1, `${"a".repeat(64)}.test`, TYPE_A), undefined);
  assert.ok(encodeQuery(1, "web.svc.test.", TYPE_A) !== undefined);
});

test("any bytes read as a reply or as nothing", () => {
  const query = encodeQuery(7, "web.svc.test", TYPE_A)!;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, withHeader) => {
      const message = withHeader ? Buffer.concat([query, Buffer.from(bytes)]) : Buffer.from(bytes);
      if (withHeader) message.writeUInt16BE(0x8180, 2);
      const decoded = decodeReply(message, query);
      assert.ok(decoded === undefined || Array.isArray(decoded.addresses));
    }),
  );
});
