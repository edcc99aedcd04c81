import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseShimArgs } from "./args.ts";

test("reads containerd's start command line", () => {
  const args = parseShimArgs([
    "-namespace",
    "k8s.io",
    "-address",
    "/run/containerd/containerd.sock",
    "-publish-binary",
    "/usr/bin/containerd",
    "-id",
    "c1",
    "-debug",
    "start",
  ]);
  assert.equal(args.action, "start");
  assert.equal(args.namespace, "k8s.io");
  assert.equal(args.publishBinary, "/usr/bin/containerd");
  assert.equal(args.id, "c1");
  assert.equal(args.debug, true);
});

test("accepts -flag=value, two dashes, and serves without an action", () => {
  const args = parseShimArgs(["--bundle=/b", "-socket", "unix:///s", "-debug=false"]);
  assert.deepEqual([args.bundle, args.socket, args.debug, args.action], ["/b", "unix:///s", false, "serve"]);
});

test("unknown flags and actions are errors", () => {
  assert.throws(() => parseShimArgs(["-nope", "x"]), /not defined: -nope/);
  assert.throws(() => parseShimArgs(["-id"]), /needs an argument/);
  assert.throws(() => parseShimArgs(["run"]), /unknown action/);
});

test("any flag value round-trips in either spelling", () => {
  fc.assert(
    fc.property(fc.string(), fc.boolean(), (value, inline) => {
      const argv = inline ? [`-id=${value}`, "delete"] : ["-id", value, "delete"];
      const args = parseShimArgs(argv);
      assert.equal(args.id, value);
      assert.equal(args.action, "delete");
    }),
  );
});
