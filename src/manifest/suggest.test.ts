import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { closestMatch, editDistance } from "./suggest.ts";

void describe("editDistance", () => {
  void it("counts insertions, deletions and substitutions", () => {
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(editDistance("sorce", "source"), 1);
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("hots", "host"), 1);
  });
});

void describe("closestMatch", () => {
  const keys = ["source", "description", "allowed_outbound_hosts", "files"];

  void it("finds a plausible typo", () => {
    assert.equal(closestMatch("sorce", keys), "source");
    assert.equal(closestMatch("allowed_outbound_host", keys), "allowed_outbound_hosts");
    assert.equal(closestMatch("Files", keys), "files");
  });

  void it("offers nothing when no candidate is close", () => {
    assert.equal(closestMatch("config", keys), undefined);
    assert.equal(closestMatch("x", []), undefined);
  });
});
