import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { joinKey, locateKeys, parentKey } from "./key-lines.ts";

void describe("locateKeys", () => {
  void it("follows tables, arrays of tables, inline tables and multi-line arrays", () => {
    const text = [
      "spin_manifest_version = 2 # comment [x]", // 1
      "[application]", // 2
      'name = "a"', // 3
      "", // 4
      "[[trigger.http]]", // 5
      'route = "/a"', // 6
      'component = { source = "a.wasm", files = ["x", { source = "s", destination = "/d" }] }', // 7
      "[trigger.http.component.build]", // 8
      'command = "make"', // 9
      "[[trigger.http]]", // 10
      "route = { private = true }", // 11
      "[component.hello]", // 12
      "files = [", // 13
      '  "one",', // 14
      "  # a comment line", // 15
      "  'two',", // 16
      "]", // 17
      'build.command = "make"', // 18
      '"quoted.key" = 1', // 19
      "[ component . 'other' ]", // 20
      'source = """', // 21
      "multi", // 22
      'line"""', // 23
      "description = 'x'", // 24
    ].join("\n");
    const lines = locateKeys(text);
    const expected: [string, number][] = [
      ["spin_manifest_version", 1],
      ["application", 2],
      ["application.name", 3],
      ["trigger", 5],
      ["trigger.http", 5],
      ["trigger.http[0]", 5],
      ["trigger.http[0].route", 6],
      ["trigger.http[0].component", 7],
      ["trigger.http[0].component.source", 7],
      ["trigger.http[0].component.files[0]", 7],
      ["trigger.http[0].component.files[1].destination", 7],
      ["trigger.http[0].component.build", 8],
      ["trigger.http[0].component.build.command", 9],
      ["trigger.http[1]", 10],
      ["trigger.http[1].route.private", 11],
      ["component", 12],
      ["component.hello", 12],
      ["component.hello.files", 13],
      ["component.hello.files[0]", 14],
      ["component.hello.files[1]", 16],
      ["component.hello.build", 18],
      ["component.hello.build.command", 18],
      ["component.hello.quoted.key", 19],
      ["component.other", 20],
      ["component.other.source", 21],
      ["component.other.description", 24],
    ];
    for (const [key, line] of expected) assert.equal(lines.get(key), line, key);
    assert.equal(lines.has("component.hello.files[2]"), false);
  });

  void it("counts array-of-tables elements per parent element", () => {
    const text = "[[a]]\n[[a.b]]\n[[a.b]]\n[[a]]\n[[a.b]]\n";
    const lines = locateKeys(text);
    assert.equal(lines.get("a[0].b[1]"), 3);
    assert.equal(lines.get("a[1]"), 4);
    assert.equal(lines.get("a[1].b[0]"), 5);
  });

  void it("is not fooled by brackets, quotes and '#' inside strings", () => {
    const text = 'a = "[not.a.table] # \\" ]"\n[b]\nc = \'#\'\nd = 1\n';
    const lines = locateKeys(text);
    assert.deepEqual([lines.get("a"), lines.get("b.c"), lines.get("b.d")], [1, 3, 4]);
    assert.equal(lines.has("not"), false);
  });
});

void describe("locateKeys property", () => {
  void it("finds every component's source line, whatever the blank lines and comments between tables", () => {
    const id = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z][a-z0-9]{0,6}){0,2}$/);
    const filler = fc.constantFrom("", "# a comment", "   ", "description = 'x # not a comment'");
    const component = fc.tuple(id, fc.array(filler, { maxLength: 3 }));
    fc.assert(
      fc.property(fc.uniqueArray(component, { selector: ([name]) => name, maxLength: 6 }), (components) => {
        const lines: string[] = [];
        const expected = new Map<string, number>();
        for (const [name, fillers] of components) {
          lines.push(`[component.${name}]`, ...fillers, `source = "${name}.wasm"`);
          expected.set(`component.${name}.source`, lines.length);
        }
        const found = locateKeys(lines.join("\n"));
        for (const [key, line] of expected) assert.equal(found.get(key), line, key);
      }),
    );
  });
});

void describe("key paths", () => {
  void it("joins and splits dotted paths with indexes", () => {
    assert.equal(joinKey("", "a"), "a");
    assert.equal(joinKey("a[0]", "b"), "a[0].b");
    assert.equal(parentKey("a[0].b"), "a[0]");
    assert.equal(parentKey("a[0]"), "a");
    assert.equal(parentKey("a"), undefined);
  });
});
