/**
 * MQTT for guests (the outbound MQTT capability), on MQTT.js: one client per distinct address and
 * credentials, connected on first use and shared by every instance and request that opens the same, until
 * the host closes them; a client that lost its connection is replaced on the next open. Sharing also keeps
 * two requests with the same `client_id` from taking the broker session from each other. `publish`
 * resolves once the broker has the message at the asked quality of service (written for at-most-once,
 * PUBACK for at-least-once, PUBCOMP for exactly-once), as Spin waits. Knows nothing of guests or permissions.
 */
import { randomUUID } from "node:crypto";
import type { MqttClient } from "mqtt";

export type QualityOfService = 0 | 1 | 2;

export interface MqttConnection {
  publish(topic: string, payload: Uint8Array, qos: QualityOfService): Promise<void>;
}

export interface MqttLogin {
  /** `mqtt://host:1883?client_id=…` (or `mqtts://`); without `client_id` a random one is used. */
  readonly address: string;
  readonly username: string;
  readonly password: string;
  readonly keepAliveSeconds: number;
}

/** The address is no MQTT URL. */
export class MqttAddressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MqttAddressError";
  }
}

export interface MqttClients {
  /** The shared connection for `login`; rejects with `MqttAddressError` or the broker's refusal. */
  connect(login: MqttLogin): Promise<MqttConnection>;
  close(): Promise<void>;
}

/** How long connecting may take before the guest is told it failed. */
const CONNECT_TIMEOUT_MS = 10_000;

export function createMqttClients(): MqttClients {
  const clients = new Map<string, Promise<MqttClient>>();
  return {
    connect: async (login) => {
      const key = JSON.stringify(login);
      let client = clients.get(key);
      if (
        client !== undefined &&
        !(await client.then(
          (c) => c.connected,
          () => false,
        ))
      )
        client = undefined;
      if (client === undefined) {
        client = openClient(login);
        clients.set(key, client);
        client.catch(() => clients.delete(key));
      }
      return connection(await client);
    },
    close: async () => {
      const open = await Promise.allSettled(clients.values());
      clients.clear();
      for (const result of open) if (result.status === "fulfilled") await result.value.endAsync(true);
    },
  };
}

async function openClient(login: MqttLogin): Promise<MqttClient> {
  const url = URL.parse(login.address);
  if (url === null || !["mqtt:", "mqtts:"].includes(url.protocol) || url.hostname === "") {
    throw new MqttAddressError(`${JSON.stringify(login.address)} is not an mqtt:// or mqtts:// URL`);
  }
  const { connectAsync } = await import("mqtt");
  return connectAsync(login.address, {
    clientId: url.searchParams.get("client_id") ?? `spindle-${randomUUID()}`,
    ...(login.username === "" ? {} : { username: login.username, password: login.password }),
    keepalive: login.keepAliveSeconds,
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
}

function connection(client: MqttClient): MqttConnection {
  return {
    publish: async (topic, payload, qos) => {
      await client.publishAsync(topic, Buffer.from(payload), { qos });
    },
  };
}
