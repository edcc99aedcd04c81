/**
 * The outbound MQTT capability (`fermyon:spin/mqtt@2.0.0`): a component may publish to any broker its
 * `allowed_outbound_hosts` allows with scheme `mqtt` (1883 when no port is given). Connections are made on
 * first use and shared by address and credentials across components, requests and reloads, until the
 * process closes them.
 */
import { createMqttClients, type MqttClients } from "../../backends/mqtt-outbound.ts";
import type { Capability, CapabilityImports } from "../capability.ts";
import { addressGates, closedGate } from "../outbound-networking/address-gate.ts";
import { mqttImports, type MqttAccess } from "./host.ts";

const INTERFACE = "fermyon:spin/mqtt";

export const MQTT_IMPORTS: CapabilityImports = {
  interfaces: [`${INTERFACE}@2.0.0`],
  suspending: [`${INTERFACE}#[static]connection.open`, `${INTERFACE}#[method]connection.publish`],
  calls: { opens: "address" },
};

export function createMqttCapability(): Capability {
  let clients: MqttClients | undefined;
  return {
    name: "mqtt",
    imports: MQTT_IMPORTS,
    configureApp: (app, { variables, logger, runtimeConfig }) =>
      Promise.resolve().then(() => {
        const gates = addressGates(app, {
          scheme: "mqtt",
          action: "connect to MQTT at",
          variables,
          logger,
          blockNetworks: runtimeConfig.blockNetworks,
          lookup: runtimeConfig.lookup,
        });
        const connect: MqttAccess["connect"] = (login, lookup) =>
          (clients ??= createMqttClients(runtimeConfig.outboundSockets)).connect(login, lookup);
        return {
          prepare: (componentId) => mqttImports({ gate: gates.get(componentId) ?? closedGate, connect }),
        };
      }),
    close: async () => {
      await clients?.close();
      clients = undefined;
    },
  };
}
