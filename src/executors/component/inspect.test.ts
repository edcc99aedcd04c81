import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspectComponent, MalformedComponent } from "./inspect.ts";

const PREAMBLE = [0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00];

function name(text: string): number[] {
  const bytes = [...Buffer.from(text)];
  return [bytes.length, ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, body.length, ...body];
}

describe("inspectComponent", () => {
  it("reads top-level imports and exports with their kinds, skipping other sections", () => {
    const bytes = Uint8Array.from([
      ...PREAMBLE,
      ...section(0, [...name("custom"), 1, 2, 3]),
      // two imports: an instance of type 0, a func of type 1
      ...section(10, [2, 0x00, ...name("wasi:io/poll@0.2.3"), 0x05, 0, 0x00, ...name("f"), 0x01, 1]),
      // one export: instance 0 with no type ascription
      ...section(11, [1, 0x00, ...name("wasi:http/incoming-handler@0.2.3"), 0x05, 0, 0x00]),
    ]);
    assert.deepEqual(inspectComponent(bytes), {
      imports: [
        { name: "wasi:io/poll@0.2.3", kind: "instance" },
        { name: "f", kind: "func" },
      ],
      exports: [{ name: "wasi:http/incoming-handler@0.2.3", kind: "instance" }],
    });
  });

  it("refuses a core module and truncated sections", () => {
    assert.throws(
      () => inspectComponent(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])),
      MalformedComponent,
    );
    assert.throws(() => inspectComponent(Uint8Array.from([...PREAMBLE, 10, 9, 1])), /runs past the end/);
    assert.throws(
      () => inspectComponent(Uint8Array.from([...PREAMBLE, 10, 2, 1, 0x07])),
      /unknown name form/,
    );
  });
});
