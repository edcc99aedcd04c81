import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ComponentBody } from "./component.ts";
import { assignTriggerIds, hoistInlineComponents, type ComponentSpec } from "./normalize.ts";
import type { ComponentDecl } from "./schema.ts";

const body: ComponentBody = {
  source: { kind: "file", path: "x.wasm" },
  variables: new Map(),
  environment: new Map(),
  files: [],
  excludeFiles: [],
  allowedOutboundHosts: [],
  keyValueStores: [],
  sqliteDatabases: [],
  aiModels: [],
};
const ref = (id: string): ComponentSpec => ({ kind: "reference", id });
const inline: ComponentSpec = { kind: "inline", body };

void describe("assignTriggerIds", () => {
  void it("keeps given ids and names the rest as Spin does", () => {
    const ids = assignTriggerIds([
      { type: "http", id: "", component: ref("hello") },
      { type: "http", id: "", component: ref("hello") },
      { type: "http", id: "http-trigger2", component: ref("a") },
      { type: "http", id: "", component: inline },
      { type: "redis", id: "", component: inline },
      { type: "http", id: "", component: ref("hello") },
    ]);
    assert.deepEqual(ids, [
      "hello-http-trigger",
      "http-trigger1",
      "http-trigger2",
      "http-trigger3",
      "redis-trigger1",
      "http-trigger4",
    ]);
  });

  void it("does not reuse an explicit id that equals a natural one", () => {
    const ids = assignTriggerIds([
      { type: "http", id: "", component: ref("a") },
      { type: "http", id: "a-http-trigger", component: ref("b") },
    ]);
    assert.deepEqual(ids, ["http-trigger1", "a-http-trigger"]);
  });
});

void describe("hoistInlineComponents", () => {
  void it("names inline components after their trigger, falling back to inline-component<N>", () => {
    const components = new Map<string, ComponentDecl>([["t1-component", { id: "t1-component", ...body }]]);
    const ids = hoistInlineComponents(
      [
        { id: "t1", component: inline },
        { id: "web", component: inline },
        { id: "Bad_Id", component: inline },
        { id: "t4", component: ref("hello") },
      ],
      components,
    );
    assert.deepEqual(ids, ["inline-component1", "web-component", "inline-component2", "hello"]);
    assert.deepEqual(
      [...components.keys()],
      ["t1-component", "inline-component1", "web-component", "inline-component2"],
    );
    assert.equal(components.get("web-component")?.id, "web-component");
  });
});
