import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { wellKnownPort } from "./well-known-ports.ts";

void describe("wellKnownPort", () => {
  void it("knows Spin's default ports and nothing else", () => {
    assert.equal(wellKnownPort("https"), 443);
    assert.equal(wellKnownPort("tcp"), undefined);
    assert.equal(wellKnownPort("constructor"), undefined);
  });
});
