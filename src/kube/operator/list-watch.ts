/**
 * Keeps the operator told about one resource type, as client-go's reflector does: LIST, then WATCH from
 * the list's resourceVersion, following bookmarks; when the watch ends it watches again from the last
 * version seen, and when the server says that version is gone (410) or the connection fails it lists
 * afresh after a backoff (an injected `Delay`). Every object listed or changed is handed to `onObject`;
 * the operator needs no cache, because each reconcile reads what it needs.
 */
import type { KubeClient, KubeResource } from "../client/client.ts";
import type { ResourceType } from "../client/resources.ts";
import { backoffDelay, type BackoffPolicy } from "../../util/backoff.ts";
import { realDelay, type Delay } from "./delay.ts";

export interface ListWatchOptions {
  readonly client: KubeClient;
  readonly type: ResourceType;
  /** One namespace, or every namespace when `undefined`. */
  readonly namespace: string | undefined;
  readonly labelSelector?: string;
  readonly onObject: (object: KubeResource, change: "LISTED" | "ADDED" | "MODIFIED" | "DELETED") => void;
  readonly onError?: (error: unknown) => void;
  /** Called after each successful LIST (the operator is ready once every type has listed). */
  readonly onSynced?: () => void;
  readonly delay?: Delay;
}

class Expired extends Error {}

/** The wait before listing again: 100 ms after an expired watch or the first failure, doubling to 30 s. */
const RELIST_BACKOFF: BackoffPolicy = { initialMs: 100, maxMs: 30_000 };

/** Runs until `signal` aborts. */
export async function listWatch(options: ListWatchOptions, signal: AbortSignal): Promise<void> {
  const delay = options.delay ?? realDelay;
  let failures = 0;
  while (!signal.aborted) {
    try {
      let version = await listOnce(options);
      failures = 0;
      for (;;) version = await watchOnce(options, version, signal);
    } catch (error) {
      if (signal.aborted) return;
      if (!(error instanceof Expired)) {
        failures += 1;
        options.onError?.(error);
      }
      await delay(backoffDelay(Math.max(0, failures - 1), RELIST_BACKOFF), signal);
    }
  }
}

async function listOnce(options: ListWatchOptions): Promise<string> {
  const selector = options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector };
  const list = await options.client.list(options.type, options.namespace, selector);
  for (const item of list.items) options.onObject(item, "LISTED");
  options.onSynced?.();
  return list.resourceVersion;
}

/** Watches until the stream ends; returns the last resourceVersion seen. */
async function watchOnce(options: ListWatchOptions, from: string, signal: AbortSignal): Promise<string> {
  let version = from;
  const stream = options.client.watch(options.type, options.namespace, version, {
    signal,
    ...(options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector }),
  });
  for await (const event of stream) {
    if (event.type === "ERROR") {
      if (event.object.code === 410) throw new Expired();
      throw new Error(`watch ${options.type.plural}: ${event.object.message ?? "error event"}`);
    }
    version = event.object.metadata.resourceVersion ?? version;
    if (event.type !== "BOOKMARK") options.onObject(event.object, event.type);
  }
  if (signal.aborted) throw new Error("stopped");
  return version;
}
