/**
 * The component executor for messages: runs a component exporting Spin's `fermyon:spin/inbound-redis`,
 * Spin's way: a never-used instance per message (instantiated ahead of time by a small pool, its memories
 * handed on when it returns), `handle-message` called with the payload, its error result (the WIT `error`
 * enum) or a trap turned into a `GuestFault` for the trigger to log. One handler per (trigger, component)
 * pair, built at load time (prepare.ts).
 */
import { GuestExit } from "../../capabilities/wasi/p2/cli.ts";
import { memoryCapNote } from "../../engine/memory-limit.ts";
import { GuestFault } from "../http.ts";
import type { MessageHandler } from "../message.ts";
import { InstancePool } from "../../engine/instance-pool.ts";
import { faultOf } from "./fault.ts";
import {
  COMPONENT_POOL_SIZE,
  createInstance,
  retire,
  type InstanceContext,
  type ReadyInstance,
} from "./instance.ts";
import { prepareComponent, type ComponentOptions } from "./prepare.ts";
import { checkRedisWorld } from "./world.ts";

export async function createComponentMessageHandler(options: ComponentOptions): Promise<MessageHandler> {
  const context = await prepareComponent(options, checkRedisWorld);
  const pool = new InstancePool({ create: () => createInstance(context), size: COMPONENT_POOL_SIZE });
  return { handle: (payload) => deliver(options.componentId, context, () => pool.take(), payload) };
}

async function deliver(
  componentId: string,
  context: InstanceContext,
  take: () => ReadyInstance,
  payload: Uint8Array,
): Promise<void> {
  let instance: ReadyInstance | undefined;
  try {
    instance = take();
    await instance.entry(payload);
    retire(instance);
  } catch (failure) {
    if (failure instanceof GuestExit && failure.code === 0) return;
    if (isErrorResult(failure)) {
      // A returned error is an ordinary return: the instance's memories can be handed on.
      if (instance !== undefined) retire(instance);
      throw new GuestFault(componentId, `the guest returned an error: ${JSON.stringify(failure.payload)}`);
    }
    const note = memoryCapNote(instance?.memories ?? [], context.maxMemoryBytes);
    throw faultOf(componentId, failure, "while handling the message", note);
  }
}

/** The glue throws the `err` case of a returned result as an error with the value as own `payload`. */
function isErrorResult(failure: unknown): failure is { readonly payload: unknown } {
  return failure instanceof Error && Object.hasOwn(failure, "payload");
}
