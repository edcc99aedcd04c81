import { describe, it } from "node:test";
import { expectError, HEAD, HELLO } from "./test-helpers.ts";

void describe("top-level tables", () => {
  void it("rejects unknown top-level keys, pointing version 1 fields at [application]", () => {
    expectError(`${HEAD}${HELLO}`.replace("[application]", 'description = "x"\n[application]'), {
      at: 'description = "x"',
      keyPath: "description",
      problem:
        "unknown field `description`, expected one of `spin_manifest_version`, `application`, `variables`, `trigger`, `component`",
      hint: "under [application]",
    });
  });

  void it("suggests the closest top-level key", () => {
    expectError(`${HEAD}${HELLO}[components.x]\nsource = "x.wasm"\n`, {
      at: "[components.x]",
      problem:
        "unknown field `components`, expected one of `spin_manifest_version`, `application`, `variables`, `trigger`, `component`",
      hint: "did you mean `component`?",
    });
  });

  void it("requires [application]", () => {
    expectError(`spin_manifest_version = 2\n${HELLO}`, {
      at: null,
      keyPath: "",
      problem: "missing field `application`",
    });
  });

  void it("requires at least the trigger table", () => {
    expectError(`${HEAD}[component.hello]\nsource = "hello.wasm"\n`, {
      at: null,
      problem: "missing field `trigger`",
    });
  });

  void it("explains that [[component]] is the version 1 layout", () => {
    expectError(`${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "a"\n[[component]]\nid = "a"\n`, {
      at: "[[component]]",
      keyPath: "component",
      problem: "invalid type: array, expected a table of components",
      hint: "[component.<id>]",
    });
  });

  void it("rejects component ids that are not kebab-case", () => {
    expectError(
      `${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "a"\n[component.my_comp]\nsource = "a.wasm"\n`,
      {
        at: "[component.my_comp]",
        keyPath: "component.my_comp",
        problem: "invalid component id `my_comp`: words must be separated with '-', not '_'",
      },
    );
  });

  void it("rejects component ids whose words start with a digit", () => {
    expectError(
      `${HEAD}[[trigger.http]]\nroute = "/"\ncomponent = "a"\n[component.a-1]\nsource = "a.wasm"\n`,
      {
        at: "[component.a-1]",
        problem: "invalid component id `a-1`: '-'-separated words must start with an ASCII letter; got '1'",
      },
    );
  });

  void it("gives a plain hint for unknown keys named like object members", () => {
    expectError(`${HEAD}${HELLO}`.replace("[application]", "toString = 1\n[application]"), {
      at: "toString = 1",
      problem:
        "unknown field `toString`, expected one of `spin_manifest_version`, `application`, `variables`, `trigger`, `component`",
      hint: "remove `toString`",
    });
  });
});
