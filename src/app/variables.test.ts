import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LockedApp } from "./locked.ts";
import { dotenvProvider, envProvider, parseDotenv, resolveVariables } from "./variables.ts";

describe(".env variable provider", () => {
  it("parses NAME=value lines with comments, export and quotes", () => {
    const entries = parseDotenv(
      [
        "# a comment",
        "SPIN_VARIABLE_PLAIN=value # trailing comment",
        "export SPIN_VARIABLE_EXPORTED = spaced ",
        'SPIN_VARIABLE_DOUBLE="two\\nlines # kept"',
        "SPIN_VARIABLE_SINGLE='as is\\n'",
        "SPIN_VARIABLE_EMPTY=",
        "not a pair",
      ].join("\n"),
    );
    assert.deepEqual(Object.fromEntries(entries), {
      SPIN_VARIABLE_PLAIN: "value",
      SPIN_VARIABLE_EXPORTED: "spaced",
      SPIN_VARIABLE_DOUBLE: "two\nlines # kept",
      SPIN_VARIABLE_SINGLE: "as is\\n",
      SPIN_VARIABLE_EMPTY: "",
    });
  });

  it("resolves after the environment and before the manifest default; a missing file gives nothing", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "spindle-dotenv-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, ".env"), "SPIN_VARIABLE_API_KEY=from-dotenv\nSPIN_VARIABLE_REGION=eu\n");
    const app: LockedApp = {
      spin_lock_version: 1,
      metadata: { name: "a" },
      variables: { api_key: {}, region: { default: "us" }, mode: { default: "fast" } },
      triggers: [],
      components: [],
    };
    const env = { SPIN_VARIABLE_API_KEY: "from-env" };
    const resolved = await resolveVariables(app, [envProvider(env), dotenvProvider(join(dir, ".env"))]);
    assert.deepEqual(Object.fromEntries(resolved.values), {
      api_key: "from-env",
      region: "eu",
      mode: "fast",
    });
    const none = dotenvProvider(join(dir, "missing.env"));
    assert.equal(none.get("api_key"), undefined);
  });
});
