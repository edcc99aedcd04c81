/**
 * One app's runtime as `spindle up` and the containerd shim both run it: the host capabilities and
 * outbound HTTP its runtime config shapes, then its triggers (see `start.ts`), closed together in the
 * reverse order. A failed start closes what it had opened.
 */
import type { RunnableApp } from "../app/local-app.ts";
import type { RuntimeConfig } from "../app/runtime-config.ts";
import { createHostCapabilities } from "../capabilities/capability.ts";
import { blockedNetworks } from "../capabilities/outbound-networking/blocked-networks.ts";
import { createOutboundFetch } from "../capabilities/outbound-networking/outbound-fetch.ts";
import { closeAfterFailure, closeInOrder } from "../util/close-all.ts";
import type { ComponentSettings } from "./component-context.ts";
import { reportCloseFailure, startAppTriggers, type HttpSettings, type RunningAppTriggers } from "./start.ts";

/** The component settings the runtime config does not decide. */
export type AppSettings = Omit<
  ComponentSettings,
  "capabilities" | "outboundFetch" | "lookup" | "outboundSockets"
>;

export interface RunningAppRuntime {
  readonly triggers: RunningAppTriggers;
  /** Stops the triggers (HTTP drains its requests), then closes the capabilities and outbound HTTP. */
  close(): Promise<void>;
}

export async function startAppRuntime(
  runnable: RunnableApp,
  runtimeConfig: RuntimeConfig,
  settings: AppSettings,
  http: HttpSettings,
): Promise<RunningAppRuntime> {
  const capabilities = createHostCapabilities(runtimeConfig, settings.logger);
  const outboundFetch = createOutboundFetch({
    clientTls: runtimeConfig.clientTls,
    blocked: blockedNetworks(runtimeConfig.blockNetworks),
    lookup: runtimeConfig.lookup,
    sockets: runtimeConfig.outboundSockets,
  });
  const closeHost = () =>
    closeInOrder(
      () => capabilities.close(),
      () => outboundFetch.close(),
    );
  try {
    const triggers = await startAppTriggers(
      runnable,
      {
        ...settings,
        capabilities,
        outboundFetch,
        lookup: runtimeConfig.lookup,
        outboundSockets: runtimeConfig.outboundSockets,
      },
      http,
    );
    return {
      triggers,
      close: () => closeInOrder(() => triggers.close(), closeHost),
    };
  } catch (error) {
    return closeAfterFailure(error, reportCloseFailure(settings.logger), closeHost);
  }
}
