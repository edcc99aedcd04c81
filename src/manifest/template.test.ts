import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parseTemplate, renderTemplate, TemplateError, templateVariables } from "./template.ts";

void describe("parseTemplate", () => {
  const cases: [string, ReturnType<typeof parseTemplate>][] = [
    ["", []],
    ["plain", [{ kind: "literal", text: "plain" }]],
    [
      "https://{{ host }}/api",
      [
        { kind: "literal", text: "https://" },
        { kind: "variable", name: "host" },
        { kind: "literal", text: "/api" },
      ],
    ],
    [
      "{{a}}{{  b  }}",
      [
        { kind: "variable", name: "a" },
        { kind: "variable", name: "b" },
      ],
    ],
    ["{{}}", [{ kind: "variable", name: "" }]],
    ["a }} b", [{ kind: "literal", text: "a }} b" }]],
  ];
  for (const [text, parts] of cases) {
    void it(`splits ${JSON.stringify(text)}`, () => assert.deepEqual(parseTemplate(text), parts));
  }

  void it("rejects an unmatched '{{'", () => {
    assert.throws(() => parseTemplate("{{ matched }} {{ unmatched"), {
      name: "TemplateError",
      message: "unmatched '{{' in template",
    });
    assert.throws(() => parseTemplate("{{"), TemplateError);
  });

  void it("never throws and keeps the text as one literal when there is no '{{' (property)", () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes("{{")),
        (text) => {
          assert.deepEqual(parseTemplate(text), text === "" ? [] : [{ kind: "literal", text }]);
        },
      ),
    );
  });

  void it("renders back to the input when references are written back as written (property)", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
    const literal = fc.string().filter((text) => !text.includes("{") && !text.includes("}"));
    const piece = fc.oneof(
      literal,
      name.map((n) => `{{${n}}}`),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        const text = pieces.join("");
        assert.equal(
          renderTemplate(parseTemplate(text), (n) => `{{${n}}}`),
          text,
        );
      }),
    );
  });
});

void describe("templateVariables", () => {
  void it("lists each referenced variable once, in order", () => {
    assert.deepEqual(templateVariables(parseTemplate("{{ b }}-{{ a }}-{{ b }}")), ["b", "a"]);
  });
});

void describe("renderTemplate", () => {
  void it("substitutes variables and keeps literals", () => {
    const values: Record<string, string> = { host: "example.com" };
    assert.equal(
      renderTemplate(parseTemplate("https://{{ host }}/x"), (n) => values[n] ?? "?"),
      "https://example.com/x",
    );
  });
});
