import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decode, encode, type Schema } from "./codec.ts";
import { CreateTaskRequest, StateResponse, TtrpcRequest } from "./messages.ts";

const mountArb = fc.record({
  type: fc.string(),
  source: fc.string(),
  target: fc.string(),
  options: fc.array(fc.string(), { maxLength: 3 }),
});

test("a CreateTaskRequest survives encode and decode", () => {
  fc.assert(
    fc.property(
      fc.record({
        id: fc.string(),
        bundle: fc.string(),
        rootfs: fc.array(mountArb, { maxLength: 3 }),
        terminal: fc.boolean(),
        stdout: fc.string(),
        options: fc.option(fc.record({ typeUrl: fc.string(), value: fc.uint8Array({ maxLength: 20 }) }), {
          nil: undefined,
        }),
      }),
      (message) => {
        const decoded = decode(CreateTaskRequest, encode(CreateTaskRequest, message));
        assert.deepEqual(decoded, {
          ...message,
          rootfs: message.rootfs.map((mount) => ({ ...mount })),
          options: message.options === undefined ? undefined : { ...message.options },
          stdin: "",
          stderr: "",
          checkpoint: "",
          parentCheckpoint: "",
        });
      },
    ),
  );
});

test("integers and timestamps keep their exact values", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 0xffffffff }),
      fc.bigInt({ min: 0n, max: 2n ** 40n }),
      fc.integer({ min: 0, max: 999_999_999 }),
      (pid, seconds, nanos) => {
        const message = { pid, exitStatus: pid, status: 3, exitedAt: { seconds, nanos } };
        const decoded = decode(StateResponse, encode(StateResponse, message));
        assert.deepEqual({ ...decoded.exitedAt }, { seconds, nanos });
        assert.equal(decoded.pid, pid);
      },
    ),
  );
});

test("uint64 fields keep values past 2^63, which int64 would turn negative", () => {
  const Entry = { limit: [1, "uint64"] } as const satisfies Schema;
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (limit) => {
      assert.equal(decode(Entry, encode(Entry, { limit })).limit, limit);
    }),
  );
});

test("unknown fields are skipped and arbitrary bytes never crash the decoder with a non-Error", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      try {
        decode(TtrpcRequest, bytes);
      } catch (error) {
        assert.ok(error instanceof Error);
      }
    }),
  );
  const withExtra = Uint8Array.of(...encode(TtrpcRequest, { service: "s" }), 0x30, 0x07);
  assert.equal(decode(TtrpcRequest, withExtra).service, "s");
});
