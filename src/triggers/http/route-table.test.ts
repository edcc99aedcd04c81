import { test } from "node:test";
import assert from "node:assert/strict";
import { formatStartup } from "./route-table.ts";

test("prints Serving first, then each route with its description indented", () => {
  const text = formatStartup("http://127.0.0.1:3000", [
    { component: "hello", display: "/hello", description: "Says hello" },
    { component: "files", display: "/static (wildcard)" },
  ]);
  assert.equal(
    text,
    [
      "Serving http://127.0.0.1:3000",
      "Available Routes:",
      "  hello: http://127.0.0.1:3000/hello",
      "    Says hello",
      "  files: http://127.0.0.1:3000/static (wildcard)",
      "",
    ].join("\n"),
  );
});
