/**
 * What every group of preview 1 calls shares within one run: the guest memory (known only once the
 * instance exists) and the descriptor table. Also the function type the import object is made of.
 */
import type { DescriptorTable } from "./descriptors.ts";
import type { GuestMemory } from "./memory.ts";

export interface RunContext {
  /** The guest's memory; throws when called before the instance is attached. */
  readonly memory: () => GuestMemory;
  readonly fds: DescriptorTable;
}

/** A host function as the guest calls it: i32 arguments arrive as numbers, i64 as bigints. */
export type WasiFunction = (...args: never[]) => number;
