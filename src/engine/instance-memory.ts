/**
 * The cap on each instance's linear memory, as Spin reads it: `SPIN_MAX_INSTANCE_MEMORY` (SpinKube sets
 * it from a SpinApp's memory limit) or `spindle up --max-instance-memory`, in bytes or as a Kubernetes
 * quantity (`64Mi`, `1Gi`). Pure.
 */
import { WASM_PAGE_BYTES } from "./memory-limit.ts";
import { SpindleError } from "../errors.ts";
import { ceilValue, parseQuantity } from "../util/quantity.ts";

/** Spin's own name for the cap. */
export const INSTANCE_MEMORY_ENV = "SPIN_MAX_INSTANCE_MEMORY";

/** The cap in bytes; `where` names its source (`--max-instance-memory`, the variable) in the error. */
export function parseInstanceMemory(text: string, where: string): number {
  const quantity = parseQuantity(text.trim());
  const bytes = quantity === undefined ? undefined : Number(ceilValue(quantity));
  if (bytes === undefined || !Number.isSafeInteger(bytes) || bytes < WASM_PAGE_BYTES) {
    throw new SpindleError(`invalid ${where} "${text}": expected a memory size of at least 64Ki`, {
      hint: "a number of bytes (SpinKube sets e.g. 134217728) or a quantity such as 64Mi or 1Gi",
    });
  }
  return bytes;
}

/** The cap `env` sets, or undefined when it sets none. */
export function instanceMemoryFromEnv(env: ReadonlyMap<string, string>): number | undefined {
  const text = env.get(INSTANCE_MEMORY_ENV);
  return text === undefined || text === "" ? undefined : parseInstanceMemory(text, INSTANCE_MEMORY_ENV);
}
