/**
 * Kubernetes Events about the objects the operator manages (`core/v1` Event, as client-go's recorder
 * writes them: named `<object>.<unique hex>`, with the involved object, reason, message and reporting
 * component). The same event for the same object is written once until a different one replaces it, so
 * a failing app retried with backoff does not flood its namespace. One recorder per controller.
 */
import { randomBytes } from "node:crypto";
import type { KubeClient, KubeResource } from "../client/client.ts";
import { EVENTS } from "../client/resources.ts";

export interface EventInput {
  readonly type: "Normal" | "Warning";
  readonly reason: string;
  readonly message: string;
}

/** The Event object for `input` about `object` (pure apart from the name's random suffix). */
export function buildEvent(object: KubeResource, input: EventInput, component: string, now: Date) {
  const time = now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const { name, namespace = "default", uid, resourceVersion } = object.metadata;
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${name}.${randomBytes(8).toString("hex")}`, namespace },
    involvedObject: {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name,
      namespace,
      ...(uid === undefined ? {} : { uid }),
      ...(resourceVersion === undefined ? {} : { resourceVersion }),
    },
    type: input.type,
    reason: input.reason,
    message: input.message,
    source: { component },
    reportingComponent: component,
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
  };
}

export class EventRecorder {
  readonly #client: KubeClient;
  readonly #component: string;
  readonly #now: () => Date;
  readonly #last = new Map<string, string>();

  constructor(client: KubeClient, component: string, now: () => Date) {
    this.#client = client;
    this.#component = component;
    this.#now = now;
  }

  /** Writes the event unless it repeats the last one recorded for the object. */
  async record(object: KubeResource, input: EventInput): Promise<void> {
    const key = object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`;
    const signature = `${input.type}\n${input.reason}\n${input.message}`;
    if (this.#last.get(key) === signature) return;
    await this.#client.create(EVENTS, buildEvent(object, input, this.#component, this.#now()));
    this.#last.set(key, signature);
  }

  /** Forgets the object's last event (after it recovered, the same failure is news again). */
  forget(object: KubeResource): void {
    this.#last.delete(object.metadata.uid ?? `${object.metadata.namespace}/${object.metadata.name}`);
  }
}
