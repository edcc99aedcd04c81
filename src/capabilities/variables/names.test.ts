import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { invalidNameReason } from "./names.ts";

describe("variables.get name rules", () => {
  it("accepts Spin's runtime keys", () => {
    for (const name of ["variable", "api_key", "var_1", "a", "x9"])
      assert.equal(invalidNameReason(name), undefined);
  });

  it("rejects the conformance test's invalid names, with the reason", () => {
    assert.match(invalidNameReason("invalid-name") ?? "", /invalid character '-'/);
    assert.match(invalidNameReason("invalid!name") ?? "", /invalid character '!'/);
    assert.match(invalidNameReason("4invalidname") ?? "", /start with a lower-case letter/);
  });

  it("rejects empty names, upper case, a trailing '_' and '__'", () => {
    assert.match(invalidNameReason("") ?? "", /empty/);
    assert.match(invalidNameReason("Api") ?? "", /invalid character 'A'/);
    assert.match(invalidNameReason("api_") ?? "", /end with a letter or digit/);
    assert.match(invalidNameReason("_api") ?? "", /start with a lower-case letter/);
    assert.match(invalidNameReason("a__b") ?? "", /'__'/);
  });

  it("accepts exactly the names built from '_'-joined lower-case words", () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
    const tail = fc.stringMatching(/^[a-z0-9]{1,5}$/);
    fc.assert(
      fc.property(word, fc.array(tail, { maxLength: 3 }), (head, rest) => {
        assert.equal(invalidNameReason([head, ...rest].join("_")), undefined);
      }),
    );
  });
});
