import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeParameter, ParameterError } from "./parameters.ts";
import { decodeValue, kindOf } from "./values.ts";

describe("PostgreSQL values", () => {
  it("maps type OIDs to Spin's kinds, anything unknown to other", () => {
    assert.deepEqual([16, 17, 20, 21, 23, 25, 1043, 1114, 1184, 1700].map(kindOf), [
      "boolean",
      "binary",
      "int64",
      "int16",
      "int32",
      "str",
      "str",
      "datetime",
      "datetime",
      "other",
    ]);
  });

  it("decodes the server's text form", () => {
    assert.deepEqual(decodeValue("boolean", "f"), { tag: "boolean", val: false });
    assert.deepEqual(decodeValue("int64", "9223372036854775807"), {
      tag: "int64",
      val: 9223372036854775807n,
    });
    assert.deepEqual(decodeValue("binary", "\\x00ff"), { tag: "binary", val: new Uint8Array([0, 255]) });
    assert.deepEqual(decodeValue("floating64", "-Infinity"), { tag: "floating64", val: -Infinity });
    assert.deepEqual(decodeValue("str", null), { tag: "db-null" });
    assert.deepEqual(decodeValue("other", "{1,2}"), { tag: "unsupported" });
  });

  it("reads date-times with an offset in UTC, minutes and eras included", () => {
    assert.deepEqual(
      decodeValue("datetime", "2024-03-01 00:15:00.5-05:30").val,
      [2024, 3, 1, 5, 45, 0, 500000000],
    );
    assert.deepEqual(decodeValue("datetime", "2024-01-01 00:00:00+01").val, [2023, 12, 31, 23, 0, 0, 0]);
    assert.deepEqual(decodeValue("datetime", "0001-02-03 04:05:06 BC").val, [0, 2, 3, 4, 5, 6, 0]);
    assert.deepEqual(decodeValue("datetime", "infinity"), { tag: "unsupported" });
  });

  it("encodes parameters as text the server can read, bytes and null as themselves", () => {
    assert.equal(encodeParameter({ tag: "int64", val: -5n }), "-5");
    assert.equal(encodeParameter({ tag: "date", val: [-43, 3, 15] }), "0044-03-15 BC");
    assert.equal(
      encodeParameter({ tag: "datetime", val: [0, 1, 2, 3, 4, 5, 6] }),
      "0001-01-02 03:04:05.000000006 BC",
    );
    assert.equal(encodeParameter({ tag: "timestamp", val: 0n }), "1970-01-01T00:00:00.000Z");
    assert.deepEqual(encodeParameter({ tag: "binary", val: new Uint8Array([1]) }), Buffer.from([1]));
    assert.equal(encodeParameter({ tag: "db-null" }), null);
    assert.throws(() => encodeParameter({ tag: "uint64", val: 1n }), ParameterError);
  });
});
