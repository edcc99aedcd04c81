/**
 * The key-value probe guest (`test/components/kv-probe.js` against `wit/kv-probe.wit`, whose dependency
 * `fermyon:spin@2.0.0` is `wit/kv-spin.wit`), built by the shared Spin probe builder.
 */
import { spinProbeWasm } from "../support/components.ts";

/** Path of the built key-value probe component. */
export function kvProbeWasm(): string {
  return spinProbeWasm("kv-probe", "kv-spin.wit");
}
