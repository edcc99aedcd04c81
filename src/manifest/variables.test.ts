import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectError, HEAD, HELLO, parse } from "./test-helpers.ts";

void describe("[variables]", () => {
  void it("reads required, secret and defaulted variables", () => {
    const manifest = parse(`${HEAD}[variables]
api_key = { required = true, secret = true }
region = { default = "eu", description = "Where" }
${HELLO}`);
    assert.deepEqual(
      [...manifest.variables],
      [
        ["api_key", { required: true, secret: true }],
        ["region", { required: false, secret: false, default: "eu", description: "Where" }],
      ],
    );
  });

  void it("rejects a name whose word starts with a digit", () => {
    expectError(`${HEAD}[variables]\nvar_1 = { default = "x" }\n${HELLO}`, {
      at: "var_1 =",
      keyPath: "variables.var_1",
      problem: "invalid variable name `var_1`: '_'-separated words must start with an ASCII letter; got '1'",
      hint: "lower_snake_case",
    });
  });

  void it("rejects a name with punctuation", () => {
    expectError(`${HEAD}[variables]\n"bad+name" = { default = "x" }\n${HELLO}`, {
      at: "bad+name",
      problem:
        "invalid variable name `bad+name`: '_'-separated words may only contain alphanumeric ASCII; got '+'",
    });
  });

  void it("rejects an upper-case name", () => {
    expectError(`${HEAD}[variables]\nAPI_KEY = { default = "x" }\n${HELLO}`, {
      at: "API_KEY",
      problem: 'invalid variable name `API_KEY`: Lower-case identifiers must be all lowercase; got "API_KEY"',
    });
  });

  void it("requires a default or required = true", () => {
    expectError(`${HEAD}[variables]\nregion = { description = "x" }\n${HELLO}`, {
      at: "region =",
      keyPath: "variables.region",
      problem: "must be `required` OR have a `default`",
    });
  });

  void it("rejects both a default and required = true", () => {
    expectError(`${HEAD}[variables]\n[variables.region]\nrequired = true\ndefault = "eu"\n${HELLO}`, {
      at: "[variables.region]",
      problem: "must be `required` OR have a `default`",
      hint: "not both",
    });
  });

  void it("rejects unknown keys in a variable", () => {
    expectError(`${HEAD}[variables]\nregion = { default = "eu", secrett = true }\n${HELLO}`, {
      at: "region =",
      keyPath: "variables.region.secrett",
      problem: "unknown field `secrett`, expected one of `description`, `default`, `required`, `secret`",
      hint: "did you mean `secret`?",
    });
  });

  void it("rejects a default that is not a string", () => {
    expectError(`${HEAD}[variables]\nport = { default = 8080 }\n${HELLO}`, {
      at: "port =",
      keyPath: "variables.port.default",
      problem: "invalid type: integer `8080`, expected a string",
    });
  });
});

void describe("templates in component variables", () => {
  const withVariable = (value: string) =>
    `${HEAD}[variables]\nhost = { default = "example.com" }\n${HELLO}variables = { url = ${JSON.stringify(value)} }\n`;

  void it("accepts references to declared variables", () => {
    const manifest = parse(withVariable("https://{{ host }}/api"));
    assert.equal(manifest.components.get("hello")?.variables.get("url"), "https://{{ host }}/api");
  });

  void it("rejects references to undeclared variables, suggesting a close one", () => {
    expectError(withVariable("https://{{ hots }}"), {
      at: "variables = { url",
      keyPath: "component.hello.variables.url",
      problem: 'invalid variable template: unknown variable "hots"',
      hint: "did you mean `host`?",
    });
  });

  void it("rejects an unmatched '{{'", () => {
    expectError(withVariable("https://{{ host"), {
      at: "variables = { url",
      problem: "invalid variable template: unmatched '{{' in template",
    });
  });

  void it("checks component variable names", () => {
    expectError(`${HEAD}${HELLO}[component.hello.variables]\nUrl = "x"\n`, {
      at: 'Url = "x"',
      keyPath: "component.hello.variables.Url",
      problem:
        "invalid variable name `Url`: '_'-separated words must be all lowercase or all UPPERCASE; got \"Url\"",
    });
  });
});
