import assert from "node:assert/strict";
import { describe, it } from "node:test";
import wabtInit from "wabt";
import { SpindleError } from "../../errors.ts";
import { checkWagiBinary, validateWagiModule } from "./validate.ts";

const wabt = await wabtInit();

function compile(source: string): WebAssembly.Module {
  const parsed = wabt.parseWat("test.wat", source);
  try {
    return new WebAssembly.Module(new Uint8Array(parsed.toBinary({}).buffer));
  } finally {
    parsed.destroy();
  }
}

function refusal(check: () => void): SpindleError {
  try {
    check();
  } catch (error) {
    assert.ok(error instanceof SpindleError, String(error));
    return error;
  }
  assert.fail("expected a SpindleError");
}

const FD_WRITE = `(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))`;

void describe("validateWagiModule", () => {
  void it("accepts a preview 1 command", () => {
    validateWagiModule(
      "web",
      compile(`(module ${FD_WRITE} (memory (export "memory") 1) (func (export "_start")))`),
    );
  });

  void it("requires a `_start` function and an exported memory, naming the component", () => {
    const noStart = refusal(() =>
      validateWagiModule("web", compile(`(module (memory (export "memory") 1))`)),
    );
    assert.match(noStart.message, /'web'.*`_start`/);
    assert.match(noStart.hint ?? "", /wasm32-wasi/);
    const noMemory = refusal(() => validateWagiModule("web", compile(`(module (func (export "_start")))`)));
    assert.match(noMemory.message, /memory `memory`/);
  });

  void it("names an import the host does not provide", () => {
    const module = compile(`(module (import "env" "get_secret" (func (result i32)))
      (memory (export "memory") 1) (func (export "_start")))`);
    const error = refusal(() => validateWagiModule("web", module));
    assert.match(error.message, /'web' imports function 'env\.get_secret'/);
    assert.match(error.hint ?? "", /WASI preview 1 command/);
  });

  void it("refuses unknown preview 1 names and non-function imports", () => {
    const unknown = compile(`(module (import "wasi_snapshot_preview1" "fd_frobnicate" (func))
      (memory (export "memory") 1) (func (export "_start")))`);
    assert.match(refusal(() => validateWagiModule("web", unknown)).message, /fd_frobnicate/);
    const importedMemory = compile(`(module (import "wasi_snapshot_preview1" "memory" (memory 1))
      (memory (export "memory") 1) (func (export "_start")))`);
    assert.match(refusal(() => validateWagiModule("web", importedMemory)).message, /imports memory/);
  });
});

void describe("checkWagiBinary", () => {
  void it("accepts a core module preamble", () => {
    checkWagiBinary("web", Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0));
  });

  void it("says a component needs the default executor, not WAGI", () => {
    const error = refusal(() => checkWagiBinary("web", Uint8Array.of(0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0)));
    assert.match(error.message, /'web' is a WebAssembly component.*core modules/);
  });

  void it("refuses bytes that are not WebAssembly", () => {
    const error = refusal(() => checkWagiBinary("web", new TextEncoder().encode("(module)")));
    assert.match(error.message, /'web' is not a WebAssembly binary/);
  });
});
