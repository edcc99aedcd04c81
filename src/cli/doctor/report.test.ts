import { test } from "node:test";
import assert from "node:assert/strict";
import { formatReport } from "./report.ts";

test("one aligned line per check, hints under problems, and a count", () => {
  const text = formatReport([
    { name: "Node.js", status: "ok", detail: "v26.1.0" },
    { name: "C toolchain", status: "warn", detail: "clang not found", hint: "run scripts/setup.sh" },
    { name: "admin endpoint", status: "fail", detail: "nothing answers", hint: "start with --admin-listen" },
  ]);
  assert.equal(
    text,
    [
      "Spindle doctor",
      "  [ok]   Node.js          v26.1.0",
      "  [warn] C toolchain      clang not found",
      "                          hint: run scripts/setup.sh",
      "  [fail] admin endpoint   nothing answers",
      "                          hint: start with --admin-listen",
      "1 problem, 1 warning.",
      "",
    ].join("\n"),
  );
});

test("says so when everything is fine", () => {
  assert.match(formatReport([{ name: "Node.js", status: "ok", detail: "v26" }]), /Everything Spindle needs/);
});
