/**
 * Task events for containerd, sent through the publish binary containerd names with `-publish-binary`:
 * `<binary> --address <containerd socket> publish --topic <topic> --namespace <ns>`, with the event as a
 * protobuf `Any` on stdin. Events go out one at a time in the order published, because containerd relies
 * on it (start before exit, exit before delete). A failed publish is reported and does not stop the rest.
 */
import { spawn } from "node:child_process";
import { encode, type MessageInit, type Schema } from "./proto/codec.ts";
import { Any } from "./proto/messages.ts";

export interface EventPublisher {
  /** Queues `event` (of the `containerd.events.<type>` message) under `topic`, e.g. `/tasks/start`. */
  publish<S extends Schema>(topic: string, type: string, schema: S, event: MessageInit<S>): void;
  /** Resolves once every queued event has been handed to containerd. */
  flush(): Promise<void>;
}

export interface PublishBinaryOptions {
  readonly binary: string;
  readonly address: string;
  readonly namespace: string;
  readonly onError: (error: Error) => void;
}

export function publishBinaryPublisher(options: PublishBinaryOptions): EventPublisher {
  let queue: Promise<void> = Promise.resolve();
  return {
    publish(topic, type, schema, event) {
      const payload = encode(Any, { typeUrl: `containerd.events.${type}`, value: encode(schema, event) });
      queue = queue.then(() => runPublish(options, topic, payload).catch(options.onError));
    },
    flush: () => queue,
  };
}

function runPublish(options: PublishBinaryOptions, topic: string, payload: Uint8Array): Promise<void> {
  const args = ["--address", options.address, "publish", "--topic", topic, "--namespace", options.namespace];
  return new Promise((resolve, reject) => {
    const child = spawn(options.binary, args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(new Error(`publishing ${topic} failed (exit ${code}): ${stderr.trim()}`));
    });
    child.stdin.end(payload);
  });
}

/** A publisher that drops events, for a shim run without containerd. */
export const noEvents: EventPublisher = { publish: () => undefined, flush: () => Promise.resolve() };
