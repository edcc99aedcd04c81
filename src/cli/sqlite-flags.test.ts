import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SpindleError } from "../errors.ts";
import { readSqliteFlags } from "./sqlite-flags.ts";

describe("--sqlite flags", () => {
  it("keeps SQL text and reads @FILE relative to the working directory, in order", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-sqlite-flags-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "schema.sql"), "CREATE TABLE t (a);\n");
    assert.deepEqual(readSqliteFlags(["SELECT 1", "@schema.sql", "SELECT 2"], dir), [
      "SELECT 1",
      "CREATE TABLE t (a);\n",
      "SELECT 2",
    ]);
  });

  it("names a file it cannot read", () => {
    assert.throws(
      () => readSqliteFlags(["@missing.sql"], "/nowhere"),
      (error) =>
        error instanceof SpindleError &&
        /cannot read --sqlite file \/nowhere\/missing\.sql/.test(error.message),
    );
  });
});
