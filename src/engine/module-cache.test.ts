import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CompileCache } from "./module-cache.ts";

void describe("CompileCache", () => {
  void it("compiles once per digest and memory cap", async () => {
    const cache = new CompileCache<string>();
    let compiles = 0;
    const compile = (result: string) => () => {
      compiles += 1;
      return Promise.resolve(result);
    };
    const first = cache.get("sha256:a", undefined, compile("a"));
    assert.equal(cache.get("sha256:a", undefined, compile("again")), first);
    assert.equal(await cache.get("sha256:a", 65_536, compile("a capped")), "a capped");
    assert.equal(await cache.get("sha256:a", 65_536, compile("again")), "a capped");
    assert.equal(await cache.get("sha256:b", undefined, compile("b")), "b");
    assert.equal(await first, "a");
    assert.equal(compiles, 3);
  });

  void it("forgets a failed compilation, so the next call compiles again", async () => {
    const cache = new CompileCache<string>();
    await assert.rejects(
      cache.get("sha256:a", undefined, () => Promise.reject(new Error("invalid"))),
      /invalid/,
    );
    assert.equal(await cache.get("sha256:a", undefined, () => Promise.resolve("fixed")), "fixed");
  });

  void it("keeps nothing when compiling throws before it starts", async () => {
    const cache = new CompileCache<string>();
    assert.throws(
      () =>
        cache.get("sha256:a", 1, () => {
          throw new Error("over the cap");
        }),
      /over the cap/,
    );
    assert.equal(await cache.get("sha256:a", 1, () => Promise.resolve("fits")), "fits");
  });
});
