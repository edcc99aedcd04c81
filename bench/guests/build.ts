/**
 * The guests every benchmark shares, built once per run into a scratch folder: the C WAGI handler
 * (`json.c`, compiled with clang for wasm32-wasi), the Spin JS SDK component (the end-to-end tests'
 * `http-probe`, built with the SDK's own tool and cached across runs) and a raw `wasi:http` JS component
 * that can serve many requests per instance (the tests' `reuse-probe`).
 */
import { execFileSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { componentWasm } from "../../test/support/components.ts";
import { ROOT } from "../support/spindle.ts";

export interface Guests {
  /** The C WAGI guest's module. */
  readonly jsonWagi: string;
  /** The JS SDK component (its `/counter` route answers at once, `/stream` after a delay). */
  readonly jsComponent: string;
  /** A raw `wasi:http` JS component (no fetch event), which instance reuse can serve. */
  readonly rawJsComponent: string;
}

export function buildGuests(dir: string): Guests {
  const jsonWagi = join(dir, "json.wasm");
  execFileSync("clang", [
    "--target=wasm32-wasi",
    "-O2",
    "-Wl,--strip-all",
    "-o",
    jsonWagi,
    join(ROOT, "bench/guests/json.c"),
  ]);
  const jsComponent = join(dir, "probe.wasm");
  copyFileSync(componentWasm("http-probe"), jsComponent);
  const rawJsComponent = join(dir, "raw.wasm");
  copyFileSync(componentWasm("reuse-probe"), rawJsComponent);
  return { jsonWagi, jsComponent, rawJsComponent };
}
