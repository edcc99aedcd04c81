/**
 * How a component's guest that trapped or exited is reported: one `GuestFault` saying which of the two
 * happened and when, the error's message, and the memory-cap note (memory-limit.ts `memoryCapNote`). Shared
 * by the HTTP and the message executors; pure.
 */
import { GuestExit } from "../../capabilities/wasi/p2/cli.ts";
import { GuestFault } from "../http.ts";

/**
 * `failure`, thrown by the guest of `componentId` while it was busy with `during`, as a fault.
 *
 * @example faultOf("api", trap, "before responding", "") // "the guest trapped before responding: unreachable"
 */
export function faultOf(componentId: string, failure: unknown, during: string, note: string): GuestFault {
  const reason = failure instanceof Error ? failure.message : JSON.stringify(failure);
  const what = failure instanceof GuestExit ? "exited" : "trapped";
  return new GuestFault(componentId, `the guest ${what} ${during}: ${reason}${note}`, { cause: failure });
}
