/**
 * The small component guest: a wasi:http handler written in WebAssembly text that waits `delayMs` on a
 * monotonic-clock pollable, then answers an empty 200. It is what "a small guest" means for the component
 * executor (a few KB, one page of linear memory), and the wait lets many instances be live at once. Built
 * from a core module against the Spin JS SDK's copy of the wasi:http 0.2.3 WIT with jco's embedded
 * wasm-tools (`componentEmbed`, then `componentNew`), so its imports carry exactly WASI's types.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/spindle.ts";

interface WasmTools {
  parse(text: string): Promise<Uint8Array>;
  componentEmbed(options: { binary: Uint8Array; witSource: string; world: string }): Promise<Uint8Array>;
  componentNew(binary: Uint8Array, adapters: [string, Uint8Array][]): Promise<Uint8Array>;
}

const WIT = join(ROOT, "node_modules/@spinframework/wasi-http-proxy/wit/wasi-http@0.2.3.wit");

// `response-outparam.set` takes result<own<outgoing-response>, error-code>, flattened: the discriminant, then
// the widest case's slots (i32 i32 i64 i32 i32 i32 i32), the first of which holds the response handle. The
// request is never dropped: the instance is dropped whole after the request.
const coreModule = (delayNs: bigint) => `(module
  (import "wasi:clocks/monotonic-clock@0.2.3" "subscribe-duration" (func $subscribe (param i64) (result i32)))
  (import "wasi:io/poll@0.2.3" "[method]pollable.block" (func $block (param i32)))
  (import "wasi:io/poll@0.2.3" "[resource-drop]pollable" (func $drop_pollable (param i32)))
  (import "wasi:http/types@0.2.3" "[constructor]fields" (func $fields (result i32)))
  (import "wasi:http/types@0.2.3" "[constructor]outgoing-response" (func $response (param i32) (result i32)))
  (import "wasi:http/types@0.2.3" "[static]response-outparam.set"
    (func $set (param i32 i32 i32 i32 i64 i32 i32 i32 i32)))
  (memory (export "memory") 1)
  (func (export "wasi:http/incoming-handler@0.2.3#handle") (param $request i32) (param $out i32)
    (local $pollable i32)
    (local.set $pollable (call $subscribe (i64.const ${delayNs})))
    (call $block (local.get $pollable))
    (call $drop_pollable (local.get $pollable))
    (call $set (local.get $out) (i32.const 0) (call $response (call $fields))
      (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))`;

/** The component's binary, answering after `delayMs`. */
export async function sleeperComponent(delayMs: number): Promise<Uint8Array> {
  const tools = (await import("@bytecodealliance/jco")) as unknown as WasmTools;
  const binary = await tools.parse(coreModule(BigInt(Math.round(delayMs * 1e6))));
  const witSource = readFileSync(WIT, "utf8");
  const embedded = await tools.componentEmbed({ binary, witSource, world: "http-trigger" });
  return tools.componentNew(embedded, []);
}
