/**
 * The Spindle operator: two controllers (SpinApp and SpinAppExecutor), each a work queue fed by
 * list-watches. SpinApps are queued by their own changes and by changes of the Deployments, Services and
 * Secrets labelled with an app's name (SpinKube's `Owns`); executors by their own. Everything that waits
 * or reads the clock is injected. One per process; `stop()` ends the watches and waits for in-flight
 * reconciles.
 */
import type { KubeClient, KubeResource } from "../client/client.ts";
import {
  DEPLOYMENTS,
  SECRETS,
  SERVICES,
  spinAppExecutors,
  spinApps,
  type ResourceType,
} from "../client/resources.ts";
import { appNameLabel } from "../builders/labels.ts";
import { CURRENT_GROUP, type ApiGroup } from "../model/types.ts";
import { RegistryAppSource, type AppSource } from "./app-inspector.ts";
import type { Delay } from "./delay.ts";
import { EventRecorder } from "./events.ts";
import { listWatch } from "./list-watch.ts";
import { OperatorMetrics } from "./metrics.ts";
import { OwnedAutoscalers } from "./owned-autoscalers.ts";
import { WorkQueue } from "./queue.ts";
import { reconcileApp } from "./reconcile-app.ts";
import { reconcileExecutor } from "./reconcile-executor.ts";

export interface OperatorOptions {
  readonly client: KubeClient;
  /** The API group served (default `core.spinkube.dev`; `core.spinoperator.dev` for legacy clusters). */
  readonly group?: ApiGroup;
  /** Watch one namespace; every namespace when absent. */
  readonly namespace?: string | undefined;
  readonly source?: AppSource;
  readonly delay?: Delay;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

const APP_CONTROLLER = "spinapp-reconciler";
const EXECUTOR_CONTROLLER = "spinappexecutor-reconciler";

export class Operator {
  readonly metrics = new OperatorMetrics();
  readonly #options: OperatorOptions;
  readonly #group: ApiGroup;
  readonly #controller = new AbortController();
  readonly #running: Promise<void>[] = [];
  readonly #synced = new Set<string>();
  #watchCount = 0;

  constructor(options: OperatorOptions) {
    this.#options = options;
    this.#group = options.group ?? CURRENT_GROUP;
  }

  /** Whether every watched type has been listed once. */
  get ready(): boolean {
    return this.#watchCount > 0 && this.#synced.size === this.#watchCount;
  }

  start(): void {
    const { client } = this.#options;
    const now = this.#options.now ?? (() => new Date());
    const source = this.#options.source ?? new RegistryAppSource();
    const apps = this.#queue(APP_CONTROLLER);
    const executors = this.#queue(EXECUTOR_CONTROLLER);
    const appDeps = {
      client,
      group: this.#group,
      source,
      events: new EventRecorder(client, APP_CONTROLLER, now),
      autoscalers: new OwnedAutoscalers(),
      now,
    };
    const executorDeps = {
      client,
      group: this.#group,
      events: new EventRecorder(client, EXECUTOR_CONTROLLER, now),
    };
    this.#watch(spinApps(this.#group), (o) => apps.add(keyOf(o)));
    this.#watch(spinAppExecutors(this.#group), (o) => executors.add(keyOf(o)));
    const label = appNameLabel(this.#group);
    for (const child of [DEPLOYMENTS, SERVICES, SECRETS]) {
      this.#watch(
        child,
        (o) => apps.add(`${o.metadata.namespace ?? ""}/${o.metadata.labels?.[label] ?? ""}`),
        label,
      );
    }
    this.#process(apps, APP_CONTROLLER, (ns, name) => reconcileApp(appDeps, ns, name));
    this.#process(executors, EXECUTOR_CONTROLLER, (ns, name) => reconcileExecutor(executorDeps, ns, name));
  }

  async stop(): Promise<void> {
    this.#controller.abort();
    await Promise.all(this.#running);
  }

  #queue(controller: string): WorkQueue {
    return new WorkQueue({
      ...(this.#options.delay === undefined ? {} : { delay: this.#options.delay }),
      onError: (key, error, failures) =>
        this.#log(
          `${controller}: ${key}: ${error instanceof Error ? error.message : String(error)} (attempt ${failures})`,
        ),
    });
  }

  #watch(type: ResourceType, onObject: (object: KubeResource) => void, labelSelector?: string): void {
    this.#watchCount += 1;
    const run = listWatch(
      {
        client: this.#options.client,
        type,
        namespace: this.#options.namespace,
        ...(labelSelector === undefined ? {} : { labelSelector }),
        onObject,
        onSynced: () => this.#synced.add(type.plural),
        onError: (error) =>
          this.#log(`watch ${type.plural}: ${error instanceof Error ? error.message : String(error)}`),
        ...(this.#options.delay === undefined ? {} : { delay: this.#options.delay }),
      },
      this.#controller.signal,
    );
    this.#running.push(run);
  }

  #process(
    queue: WorkQueue,
    controller: string,
    reconcile: (ns: string, name: string) => Promise<void>,
  ): void {
    const handler = async (key: string) => {
      const [namespace = "", name = ""] = key.split("/");
      const started = performance.now();
      try {
        await reconcile(namespace, name);
        this.metrics.observe(controller, "success", (performance.now() - started) / 1000);
      } catch (error) {
        this.metrics.observe(controller, "error", (performance.now() - started) / 1000);
        throw error;
      }
    };
    this.#running.push(queue.run(handler, this.#controller.signal));
  }

  #log(line: string): void {
    (this.#options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }
}

function keyOf(object: KubeResource): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name}`;
}
