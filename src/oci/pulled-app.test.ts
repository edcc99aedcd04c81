import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { posix } from "node:path";
import { checkRelativePath } from "./pulled-app.ts";
import { componentId } from "./wasm-package.ts";

describe("checkRelativePath", () => {
  it("accepts plain relative paths", () => {
    for (const path of ["a.txt", "static/css/site.css", "..hidden/x", "a..b"]) {
      assert.equal(checkRelativePath(path, "web", "r"), path);
    }
  });

  it("rejects paths that could leave the app directory, naming the component and reference", () => {
    for (const path of [
      "../x",
      "a/../../x",
      "/etc/passwd",
      "",
      "a//b",
      "./a",
      "a/",
      "a\\..\\b",
      "a\0b",
      7,
      null,
    ]) {
      assert.throws(() => checkRelativePath(path, "web", "reg.io/app:v1"), {
        message: `reg.io/app:v1 is not a valid Spin app: component "web" has file path ${JSON.stringify(path)}, which is not a plain relative path`,
      });
    }
  });

  it("never accepts a path that resolves outside its root (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "..", ".", "", "/", "b\\c", "d"), { maxLength: 8 }),
        (parts) => {
          const path = parts.join("/");
          let accepted = true;
          try {
            checkRelativePath(path, "c", "r");
          } catch {
            accepted = false;
          }
          if (accepted) assert.ok(posix.join("/root", path).startsWith("/root/"), path);
        },
      ),
    );
  });
});

describe("componentId", () => {
  it("names a Wasm package after the last repository segment, as a Spin id", () => {
    assert.equal(componentId("team/hello_world.app"), "hello-world-app");
    assert.equal(componentId("x/Echo--Server"), "echo-server");
    assert.equal(componentId("x/___"), "app");
  });
});
