/**
 * Picks and builds the executor a trigger asked for, for one component (HTTP: component or WAGI; Redis:
 * component): compiles the component's code
 * through the engine's cache and hands it to the executor. The one place that knows which executors exist;
 * a new executor is a new case here, never a branch in a trigger. Runs at load time, once per trigger.
 */
import type { AppComponent } from "../app/load.ts";
import { CAPABILITY_CALL_KINDS, type AppCapability } from "../capabilities/capability.ts";
import { observeImports } from "../capabilities/observed.ts";
import type { OutboundHttp } from "../capabilities/outbound-http/outbound.ts";
import { compileModule } from "../engine/module-cache.ts";
import { noopObserver, type Observer } from "../observe/observer.ts";
import { SpindleError } from "../errors.ts";
import type { GuestOutputSink } from "./guest-output.ts";
import type { HttpHandler } from "./http.ts";
import type { MessageHandler } from "./message.ts";
import { createComponentHandler } from "./component/executor.ts";
import { createComponentMessageHandler } from "./component/message-handler.ts";
import type { ComponentOptions } from "./component/prepare.ts";
import { createWagiHandler } from "./wagi/executor.ts";
import { checkWagiBinary } from "./wagi/validate.ts";

export type HttpExecutorChoice =
  { readonly type: "http" } | { readonly type: "wagi"; readonly argv?: string };

export interface ExecutorContext {
  readonly component: AppComponent;
  /** The component's environment with any host-wide additions (`spindle up -e`) applied. */
  readonly environment: ReadonlyMap<string, string>;
  readonly output: GuestOutputSink;
  /** Where transpiled components are cached. */
  readonly cacheDir: string;
  /** The component's outbound HTTP policy; everything is denied when absent. */
  readonly outbound?: OutboundHttp | undefined;
  /** The app's host capabilities (components only; WAGI modules import none). */
  readonly capabilities?: AppCapability | undefined;
  /** Told how long each new instance took to create; nothing observes when absent. */
  readonly observer?: Observer | undefined;
  /** The cap on each instance's linear memory, in bytes; none when absent. */
  readonly maxInstanceMemory?: number | undefined;
  /** How many requests one component instance may serve; 1 when absent (WAGI instances serve one). */
  readonly requestsPerInstance?: number | undefined;
  /** Hears host-side notes about the component. */
  readonly onWarning?: ((message: string) => void) | undefined;
}

/** The handler of a `[[trigger.redis]]` entry: only components run there (Spin 1 modules do not). */
export function createMessageExecutor(context: ExecutorContext): Promise<MessageHandler> {
  const { component } = context;
  if (component.kind === "module") {
    throw new SpindleError(
      `component "${component.id}" is a core WebAssembly module, which the Redis trigger cannot run`,
      { hint: "rebuild it as a component exporting fermyon:spin/inbound-redis (a Spin 2 or later SDK)" },
    );
  }
  return createComponentMessageHandler(componentOptions(context));
}

export async function createHttpExecutor(
  choice: HttpExecutorChoice,
  context: ExecutorContext,
): Promise<HttpHandler> {
  const { component, observer } = context;
  const onInstantiated = (seconds: number) => observer?.instantiated(component.id, seconds);
  if (choice.type === "http") {
    if (component.kind === "module") {
      throw new SpindleError(
        `component "${component.id}" is a core WebAssembly module, which the default (wasi:http) executor cannot run`,
        {
          hint: 'if it is a WASI command (it has `_start`), add executor = { type = "wagi" } to its [[trigger.http]]',
        },
      );
    }
    return createComponentHandler({
      ...componentOptions(context),
      requestsPerInstance: context.requestsPerInstance,
      onWarning: context.onWarning,
    });
  }
  checkWagiBinary(component.id, component.bytes);
  const module = await compileModule(
    component.digest,
    component.bytes,
    `component "${component.id}" (${component.origin})`,
    context.maxInstanceMemory,
  );
  return createWagiHandler({
    componentId: component.id,
    module,
    argv: choice.argv,
    environment: context.environment,
    files: component.files,
    output: context.output,
    onInstantiated,
    maxMemoryBytes: context.maxInstanceMemory,
  });
}

function componentOptions(context: ExecutorContext): ComponentOptions {
  const { component, observer } = context;
  return {
    componentId: component.id,
    origin: component.origin,
    bytes: component.bytes,
    digest: component.digest,
    environment: context.environment,
    files: component.files,
    output: context.output,
    cacheDir: context.cacheDir,
    outbound: context.outbound,
    capabilityImports: capabilityImportsOf(context.capabilities, component.id, observer),
    onInstantiated: (seconds) => observer?.instantiated(component.id, seconds),
    maxMemoryBytes: context.maxInstanceMemory,
  };
}

function capabilityImportsOf(
  capabilities: AppCapability | undefined,
  componentId: string,
  observer: Observer | undefined,
) {
  if (capabilities === undefined) return undefined;
  if (observer === undefined || observer === noopObserver) return () => capabilities.prepare(componentId);
  return () => observeImports(capabilities.prepare(componentId), observer, CAPABILITY_CALL_KINDS);
}
