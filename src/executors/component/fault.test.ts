import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GuestExit } from "../../capabilities/wasi/p2/cli.ts";
import { GuestFault } from "../http.ts";
import { faultOf } from "./fault.ts";

void describe("faultOf", () => {
  void it("names a trap, when it happened, its message and the note, and keeps the cause", () => {
    const trap = new WebAssembly.RuntimeError("unreachable");
    const fault = faultOf("api", trap, "before responding", " (the cap is 1 MiB)");
    assert.ok(fault instanceof GuestFault);
    assert.equal(fault.component, "api");
    assert.equal(fault.message, "the guest trapped before responding: unreachable (the cap is 1 MiB)");
    assert.equal(fault.cause, trap);
  });

  void it("tells an exit from a trap", () => {
    assert.equal(
      faultOf("worker", new GuestExit(3), "while handling the message", "").message,
      "the guest exited while handling the message: the guest exited with status 3",
    );
  });

  void it("shows a thrown value that is no Error as JSON", () => {
    assert.equal(
      faultOf("api", { code: 7 }, "before responding", "").message,
      'the guest trapped before responding: {"code":7}',
    );
  });
});
