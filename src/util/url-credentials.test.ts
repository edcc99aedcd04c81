import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withoutCredentials } from "./url-credentials.ts";

void describe("withoutCredentials", () => {
  void it("drops the user name and the password", () => {
    assert.equal(withoutCredentials("redis://user:secret@cache:6379/1"), "redis://cache:6379/1");
    assert.equal(withoutCredentials("redis://:secret@cache:6379"), "redis://cache:6379");
    assert.equal(withoutCredentials(new URL("https://token@example.com/a?b")), "https://example.com/a?b");
  });

  void it("leaves an address without credentials as written", () => {
    assert.equal(withoutCredentials("redis://Cache:6379"), "redis://Cache:6379");
    assert.equal(withoutCredentials(new URL("http://example.com")), "http://example.com/");
  });

  void it("does not change the URL it is given", () => {
    const url = new URL("mqtt://user:secret@broker:1883");
    withoutCredentials(url);
    assert.equal(url.password, "secret");
  });

  void it("refuses text that is no URL", () => {
    assert.throws(() => withoutCredentials("no url"), TypeError);
  });
});
