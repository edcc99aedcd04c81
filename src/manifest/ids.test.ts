import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { kebabIdProblem, lowerSnakeIdProblem, snakeIdProblem } from "./ids.ts";

void describe("kebabIdProblem", () => {
  for (const id of ["hello", "my-component", "API-v2", "a1-b2", "HTTP"]) {
    void it(`accepts ${id}`, () => assert.equal(kebabIdProblem(id), undefined));
  }

  const invalid: [string, string][] = [
    ["", "an id must not be empty"],
    ["my_component", "words must be separated with '-', not '_'"],
    ["1st", "'-'-separated words must start with an ASCII letter; got '1'"],
    ["a-1", "'-'-separated words must start with an ASCII letter; got '1'"],
    ["a--b", "'-'-separated words must not be empty"],
    ["trailing-", "'-'-separated words must not be empty"],
    ["bad+name", "'-'-separated words may only contain alphanumeric ASCII; got '+'"],
    ["Ab", `'-'-separated words must be all lowercase or all UPPERCASE; got "Ab"`],
    ["aB", `'-'-separated words must be all lowercase or all UPPERCASE; got "aB"`],
  ];
  for (const [id, problem] of invalid) {
    void it(`rejects ${JSON.stringify(id)}`, () => assert.equal(kebabIdProblem(id), problem));
  }

  void it("accepts every id built from valid words (property)", () => {
    const word = fc.oneof(
      fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/),
      fc.stringMatching(/^[A-Z][A-Z0-9]{0,6}$/),
    );
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
        assert.equal(kebabIdProblem(words.join("-")), undefined);
      }),
    );
  });

  void it("agrees with the grammar on arbitrary strings (property)", () => {
    const grammar = /^([a-z][a-z0-9]*|[A-Z][A-Z0-9]*)(-([a-z][a-z0-9]*|[A-Z][A-Z0-9]*))*$/;
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "B", "1", "-", "_", "+", "z") }), (id) => {
        assert.equal(kebabIdProblem(id) === undefined, grammar.test(id));
      }),
    );
  });
});

void describe("snake ids", () => {
  void it("accepts snake_case and UPPER_CASE words as SnakeId", () => {
    assert.equal(snakeIdProblem("user_data"), undefined);
    assert.equal(snakeIdProblem("USER_data"), undefined);
  });

  void it("names the wrong separator", () => {
    assert.equal(snakeIdProblem("user-data"), "words must be separated with '_', not '-'");
  });

  void it("rejects words that start with a digit", () => {
    assert.equal(
      lowerSnakeIdProblem("var_1"),
      "'_'-separated words must start with an ASCII letter; got '1'",
    );
  });

  void it("rejects characters other than alphanumerics", () => {
    assert.equal(
      lowerSnakeIdProblem("bad+name"),
      "'_'-separated words may only contain alphanumeric ASCII; got '+'",
    );
  });

  void it("rejects UPPERCASE words in a LowerSnakeId", () => {
    assert.equal(
      lowerSnakeIdProblem("api_KEY"),
      `Lower-case identifiers must be all lowercase; got "api_KEY"`,
    );
  });
});
