import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GuestError } from "../wasi/p2/guest-error.ts";
import { Fields } from "./fields.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

function tagOf(action: () => unknown): string {
  try {
    action();
    return "ok";
  } catch (error) {
    assert.ok(error instanceof GuestError, "header errors are guest-visible values, not traps");
    return (error.payload as { tag: string }).tag;
  }
}

describe("Fields", () => {
  it("treats names case-insensitively and keeps values in order", () => {
    const fields = Fields.fromList([["X-A", bytes("1")]]);
    fields.append("x-a", bytes("2"));
    fields.set("Y", [bytes("3")]);
    assert.deepEqual(fields.toHeaders(), [
      ["x-a", "1"],
      ["x-a", "2"],
      ["y", "3"],
    ]);
    assert.equal(fields.has("X-a"), true);
    fields.delete("X-A");
    assert.deepEqual(fields.get("x-a"), []);
  });

  it("refuses forbidden names, bad syntax, and writes to immutable maps (immutability first)", () => {
    const fields = new Fields();
    assert.equal(
      tagOf(() => fields.append("Transfer-Encoding", bytes("chunked"))),
      "forbidden",
    );
    assert.equal(
      tagOf(() => fields.append("bad name", bytes("v"))),
      "invalid-syntax",
    );
    assert.equal(
      tagOf(() => fields.append("x", bytes("a\r\nb"))),
      "invalid-syntax",
    );
    const frozen = Fields.fromHeaders([["connection", "close"]]);
    assert.equal(
      tagOf(() => frozen.append("x", bytes("v"))),
      "immutable",
    );
    assert.equal(
      tagOf(() => frozen.delete("bad name")),
      "immutable",
    );
    assert.equal(
      tagOf(() => frozen.clone().append("x", bytes("v"))),
      "ok",
      "a clone is mutable",
    );
  });

  it("snapshots on hand-over: later writes to the original do not leak into the copy", () => {
    const fields = Fields.fromList([["a", bytes("1")]]);
    const copy = fields.frozenCopy();
    fields.append("a", bytes("2"));
    assert.deepEqual(copy.toHeaders(), [["a", "1"]]);
  });

  it("round-trips non-ASCII header bytes through latin1 strings", () => {
    const fields = Fields.fromHeaders([["x", "caf\u00e9"]]);
    assert.deepEqual([...(fields.get("x")[0] ?? [])], [0x63, 0x61, 0x66, 0xe9]);
    assert.deepEqual(fields.toHeaders(), [["x", "caf\u00e9"]]);
  });
});
