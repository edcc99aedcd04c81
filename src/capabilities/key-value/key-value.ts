/**
 * The key-value capability (`fermyon:spin/key-value@2.0.0`, and `spin:key-value@3.0.0` of the Spin 3 SDKs,
 * the same functions): at load time every label a component lists in `key_value_stores` must name a store of
 * the runtime config (`default` always does), else the app does not start; the stores are opened then and
 * shared by label across components, requests and reloads, until the process closes them. `--key-value`
 * values are written to `default` once, before serving.
 */
import type { LoadedApp } from "../../app/load.ts";
import type { KeyValueStoreConfig, RuntimeConfig } from "../../app/runtime-config.ts";
import type { KeyValueStore } from "../../backends/kv.ts";
import { SpindleError } from "../../errors.ts";
import type { Capability, CapabilityImports } from "../capability.ts";
import { keyValueImports } from "./host.ts";
import { openStore } from "./open-store.ts";

/** Spin 2's interface and the Spin 3 SDK's, the same functions under two names. */
const INTERFACES = ["fermyon:spin/key-value@2.0.0", "spin:key-value/key-value@3.0.0"];
const FUNCTIONS = ["[static]store.open", "get", "set", "delete", "exists", "get-keys"];

export const KEY_VALUE_IMPORTS: CapabilityImports = {
  interfaces: INTERFACES,
  suspending: INTERFACES.flatMap((versioned) => {
    const name = versioned.split("@")[0] ?? versioned;
    return FUNCTIONS.map((f) => `${name}#${f.startsWith("[") ? f : `[method]store.${f}`}`);
  }),
  calls: { opens: "label" },
};

export function createKeyValueCapability(): Capability {
  const stores = new Map<string, Promise<KeyValueStore>>();
  let seeded = false;
  /** The shared store of `label`, opened on first use. */
  const shared = (label: string, config: KeyValueStoreConfig, runtimeConfig: RuntimeConfig) => {
    let opened = stores.get(label);
    if (opened === undefined) {
      opened = openStore(label, config, runtimeConfig.lookup, runtimeConfig.outboundSockets);
      opened.catch(() => stores.delete(label));
      stores.set(label, opened);
    }
    return opened;
  };
  return {
    name: "key-value",
    imports: KEY_VALUE_IMPORTS,
    configureApp: async (app, { runtimeConfig }) => {
      const { keyValueStores: configs, keyValueSeed } = runtimeConfig;
      const granted = grants(app, configs);
      const store = (label: string) => {
        const config = configs.get(label);
        return config === undefined ? undefined : shared(label, config, runtimeConfig);
      };
      const used = new Set([...granted.values()].flatMap((labels) => [...labels]));
      if (keyValueSeed.size > 0) used.add("default");
      for (const label of used) await store(label);
      if (!seeded && keyValueSeed.size > 0) {
        const target = await (store("default") as Promise<KeyValueStore>);
        for (const [key, value] of keyValueSeed) await target.set(key, new TextEncoder().encode(value));
        seeded = true;
      }
      return {
        prepare: (componentId) => keyValueImports({ granted: granted.get(componentId) ?? new Set(), store }),
      };
    },
    close: async () => {
      const open = await Promise.allSettled(stores.values());
      stores.clear();
      for (const result of open) if (result.status === "fulfilled") await result.value.close();
    },
  };
}

/** Each component's granted labels, checked against the configured stores. */
function grants(app: LoadedApp, configs: ReadonlyMap<string, unknown>): Map<string, ReadonlySet<string>> {
  const granted = new Map<string, ReadonlySet<string>>();
  for (const component of app.components.values()) {
    const labels = component.locked.metadata?.key_value_stores ?? [];
    const unknown = labels.find((label) => !configs.has(label));
    if (unknown !== undefined) throw unknownLabel(unknown, component.id);
    granted.set(component.id, new Set(labels));
  }
  return granted;
}

function unknownLabel(label: string, componentId: string): SpindleError {
  return new SpindleError(`unknown key_value_stores label "${label}" for component "${componentId}"`, {
    hint: `define it in a runtime config file ([key_value_store.${label}] with type = "spin" or "redis", passed with --runtime-config-file), or remove it from the component's key_value_stores`,
  });
}
