import { test } from "node:test";
import assert from "node:assert/strict";
import { SpindleError } from "../errors.ts";
import { renderPlaceholders } from "./placeholders.ts";

const values = new Map([
  ["project-name", "my-App2"],
  ["http-path", "/api/..."],
]);

test("placeholders are replaced, with or without spaces and case filters", () => {
  const cases: [string, string][] = [
    ["{{project-name}}", "my-App2"],
    ["{{ project-name }}", "my-App2"],
    ["{{project-name | kebab_case}}", "my-app2"],
    ["{{ project-name|snake_case }}", "my_app2"],
    ["{{project-name | pascal_case}}", "MyApp2"],
    ['route = "{{http-path}}"', 'route = "/api/..."'],
    ["a {{project-name}} b {{project-name | snake_case}} c", "a my-App2 b my_app2 c"],
  ];
  for (const [text, expected] of cases) assert.equal(renderPlaceholders(text, values), expected, text);
});

test("case filters split camel case and punctuation into words", () => {
  const of = (name: string, filter: string) =>
    renderPlaceholders(`{{project-name | ${filter}}}`, new Map([["project-name", name]]));
  assert.equal(of("helloWorldAPI", "kebab_case"), "hello-world-api");
  assert.equal(of("Hello World", "snake_case"), "hello_world");
  assert.equal(of("spin_app-v2", "pascal_case"), "SpinAppV2");
});

test("Spin variable references without a hyphen are kept for the manifest", () => {
  const text = 'allowed_outbound_hosts = ["{{ upstream_origin }}", "https://{{host}}"]';
  assert.equal(renderPlaceholders(text, values), text);
});

test("an unknown parameter or filter is an error naming the file", () => {
  assert.throws(
    () => renderPlaceholders("{{project-nmae}}", values, "template file spin.toml"),
    (e: unknown) =>
      e instanceof SpindleError &&
      e.message ===
        'template file spin.toml: unknown template parameter "project-nmae" in {{project-nmae}}' &&
      e.hint === "the parameters are: project-name, http-path",
  );
  assert.throws(() => renderPlaceholders("{{project-name | upper}}", values), /unknown filter "upper"/);
});
