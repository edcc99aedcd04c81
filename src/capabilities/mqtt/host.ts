/**
 * The guest's `fermyon:spin/mqtt@2.0.0` for one instance: the `connection` resource as a host class whose
 * static `open` checks the address against the component's `allowed_outbound_hosts` (scheme `mqtt`) and
 * connects with the given credentials and keep-alive, and whose `publish` sends one message at the asked
 * quality of service. Errors the guest may see are thrown as `GuestError` with Spin's variant: a refused
 * address is `connection-failed("address <address> is not permitted")` in Spin's words, an address that is
 * no MQTT URL `invalid-address`, a broker that cannot be reached or refuses the login
 * `connection-failed(message)`, a failed publish `other(message)`. Every call returns a promise and is a
 * suspending import. Built per instance; cheap (one class).
 */
import type { LookupFunction } from "node:net";
import {
  MqttAddressError,
  type MqttConnection,
  type MqttLogin,
  type QualityOfService,
} from "../../backends/mqtt-outbound.ts";
import type { AddressGate } from "../outbound-networking/address-gate.ts";
import { GuestError } from "../wasi/p2/guest-error.ts";

/** The WIT `error` variant, in the glue's representation. */
export type MqttError =
  | { readonly tag: "invalid-address" }
  | { readonly tag: "too-many-connections" }
  | { readonly tag: "connection-failed"; readonly val: string }
  | { readonly tag: "other"; readonly val: string };

/** The WIT `qos` enum, in the glue's representation. */
export type Qos = "at-most-once" | "at-least-once" | "exactly-once";

const QOS: Record<Qos, QualityOfService> = { "at-most-once": 0, "at-least-once": 1, "exactly-once": 2 };

export interface MqttAccess {
  readonly gate: AddressGate;
  connect(login: MqttLogin, lookup: LookupFunction | undefined): Promise<MqttConnection>;
}

export function mqttImports(access: MqttAccess): Record<string, object> {
  class Connection {
    readonly #mqtt: MqttConnection;
    private constructor(mqtt: MqttConnection) {
      this.#mqtt = mqtt;
    }
    static async open(address: string, username: string, password: string, keepAlive: bigint) {
      if (access.gate.check(address).kind !== "allowed") {
        throw guestError({ tag: "connection-failed", val: `address ${address} is not permitted` });
      }
      const login = { address, username, password, keepAliveSeconds: Number(keepAlive) };
      try {
        return new Connection(await access.connect(login, access.gate.lookupFor(address)));
      } catch (cause) {
        if (cause instanceof MqttAddressError) throw guestError({ tag: "invalid-address" });
        throw guestError({ tag: "connection-failed", val: messageOf(cause) });
      }
    }
    async publish(topic: string, payload: Uint8Array, qos: Qos): Promise<void> {
      try {
        await this.#mqtt.publish(topic, payload, QOS[qos]);
      } catch (cause) {
        throw guestError({ tag: "other", val: messageOf(cause) });
      }
    }
  }
  return { "fermyon:spin/mqtt": { Connection } };
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

function guestError(error: MqttError): GuestError<MqttError> {
  return new GuestError(error, `mqtt error: ${error.tag}`);
}
