import assert from "node:assert/strict";
import { test } from "node:test";
import { ceilValue, compareQuantities, parseQuantity } from "./quantity.ts";

function bytes(text: string): bigint | undefined {
  const q = parseQuantity(text);
  return q === undefined ? undefined : ceilValue(q);
}

test("memory quantities become bytes as SpinKube computes SPIN_MAX_INSTANCE_MEMORY", () => {
  assert.equal(bytes("40M"), 40000000n);
  assert.equal(bytes("128Mi"), 134217728n);
  assert.equal(bytes("1Gi"), 1073741824n);
  assert.equal(bytes("0.5Ki"), 512n);
  assert.equal(bytes("1e3"), 1000n);
  assert.equal(bytes("100m"), 1n);
  assert.equal(bytes("12345"), 12345n);
});

test("strings that are not quantities are rejected", () => {
  for (const bad of ["", "abc", "12XB", "1.2.3", "Mi", "5 Mi"])
    assert.equal(parseQuantity(bad), undefined, bad);
});

test("quantities compare exactly across units", () => {
  const q = (t: string) => parseQuantity(t) ?? assert.fail(t);
  assert.equal(compareQuantities(q("50Mi"), q("40Mi")), 1);
  assert.equal(compareQuantities(q("1024Ki"), q("1Mi")), 0);
  assert.equal(compareQuantities(q("1M"), q("1Mi")), -1);
});
