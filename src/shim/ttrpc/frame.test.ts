import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  encodeFrame,
  FrameDecoder,
  FrameError,
  HEADER_LENGTH,
  MAX_DATA_LENGTH,
  type Frame,
} from "./frame.ts";

const frameArb: fc.Arbitrary<Frame> = fc.record({
  streamId: fc.integer({ min: 0, max: 0xffffffff }),
  type: fc.integer({ min: 0, max: 255 }),
  flags: fc.integer({ min: 0, max: 255 }),
  data: fc.uint8Array({ maxLength: 300 }),
});

/** Splits `bytes` at the given cut points, as a socket might deliver them. */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    out.push(bytes.subarray(start, point));
    start = point;
  }
  return out;
}

test("frames come back whole and in order however the bytes are split", () => {
  fc.assert(
    fc.property(fc.array(frameArb, { maxLength: 8 }), fc.array(fc.nat()), (frames, cuts) => {
      const wire = Buffer.concat(frames.map(encodeFrame));
      const decoder = new FrameDecoder();
      const decoded = chunk(wire, cuts).flatMap((piece) => decoder.push(piece));
      assert.deepEqual(
        decoded.map((f) => ({ ...f, data: [...f.data] })),
        frames.map((f) => ({ ...f, data: [...f.data] })),
      );
      assert.equal(decoder.buffered, 0);
    }),
  );
});

test("arbitrary bytes either decode into frames, wait for more, or fail with a FrameError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat()), (bytes, cuts) => {
      const decoder = new FrameDecoder();
      try {
        let total = 0;
        for (const piece of chunk(bytes, cuts)) {
          for (const frame of decoder.push(piece)) total += HEADER_LENGTH + frame.data.length;
        }
        assert.equal(total + decoder.buffered, bytes.length);
      } catch (error) {
        assert.ok(error instanceof FrameError, String(error));
      }
    }),
  );
});

test("a header announcing more than 4 MiB is rejected before the data arrives", () => {
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt32BE(MAX_DATA_LENGTH + 1, 0);
  assert.throws(() => new FrameDecoder().push(header), FrameError);
  assert.throws(
    () => encodeFrame({ streamId: 1, type: 1, flags: 0, data: new Uint8Array(MAX_DATA_LENGTH + 1) }),
    FrameError,
  );
});

test("the header layout is length, stream id, type, flags", () => {
  const wire = encodeFrame({ streamId: 3, type: 2, flags: 1, data: Uint8Array.of(9, 8) });
  assert.deepEqual([...wire], [0, 0, 0, 2, 0, 0, 0, 3, 2, 1, 9, 8]);
});
