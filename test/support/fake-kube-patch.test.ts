// The FAKE API server's JSON merge patch and JSON patch, against the examples of RFC 7386 (appendix A)
// and RFC 6902 (appendix A), since kubectl and the operator's tests rely on them behaving as a real
// API server's do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PatchError, jsonPatch, mediaType, mergePatch } from "./fake-kube-patch.ts";

test("merge patch: the examples of RFC 7386", () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
    [{ a: ["b"] }, { a: "c" }, { a: "c" }],
    [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
    [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ a: "foo" }, "bar", "bar"],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, result] of cases) assert.deepEqual(mergePatch(target, patch), result);
});

test("JSON patch: add, remove, replace, move, copy and test, as in RFC 6902", () => {
  assert.deepEqual(jsonPatch({ foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }]), {
    foo: "bar",
    baz: "qux",
  });
  assert.deepEqual(jsonPatch({ foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }]), {
    foo: ["bar", "qux", "baz"],
  });
  assert.deepEqual(jsonPatch({ foo: ["bar"] }, [{ op: "add", path: "/foo/-", value: "qux" }]), {
    foo: ["bar", "qux"],
  });
  assert.deepEqual(jsonPatch({ baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }]), { foo: "bar" });
  assert.deepEqual(jsonPatch({ baz: "qux" }, [{ op: "replace", path: "/baz", value: "boo" }]), {
    baz: "boo",
  });
  assert.deepEqual(
    jsonPatch({ foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } }, [
      { op: "move", from: "/foo/waldo", path: "/qux/thud" },
    ]),
    { foo: { bar: "baz" }, qux: { corge: "grault", thud: "fred" } },
  );
  assert.deepEqual(jsonPatch({ a: { b: 1 } }, [{ op: "copy", from: "/a", path: "/c" }]), {
    a: { b: 1 },
    c: { b: 1 },
  });
  assert.deepEqual(jsonPatch({ "a/b": 1, "m~n": 2 }, [{ op: "test", path: "/a~1b", value: 1 }]), {
    "a/b": 1,
    "m~n": 2,
  });
});

test("JSON patch: a failed operation fails the whole patch and leaves the document alone", () => {
  const document = { spec: { replicas: 1 } };
  const fails = (operations: unknown, code: number) =>
    assert.throws(
      () => jsonPatch(document, operations),
      (error) => error instanceof PatchError && error.code === code,
    );
  fails(
    [
      { op: "replace", path: "/spec/replicas", value: 2 },
      { op: "test", path: "/spec/replicas", value: 1 },
    ],
    422,
  );
  fails([{ op: "remove", path: "/spec/missing" }], 422);
  fails([{ op: "add", path: "/spec/replicas/x", value: 1 }], 422);
  fails([{ op: "frobnicate", path: "/spec" }], 400);
  fails([{ op: "add", path: "/spec/x" }], 400);
  fails({ op: "add", path: "/spec/x", value: 1 }, 400);
  assert.deepEqual(document, { spec: { replicas: 1 } });
});

test("a Content-Type's media type drops its parameters", () => {
  assert.equal(mediaType("application/merge-patch+json; charset=utf-8"), "application/merge-patch+json");
  assert.equal(mediaType(undefined), "");
});
