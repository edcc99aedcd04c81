/**
 * MQTT for guests (the outbound MQTT capability), on MQTT.js: one client per distinct address and
 * credentials, connected on first use and shared by every instance and request that opens the same, until
 * the host closes them; a client that lost its connection is replaced on the next open. Sharing also keeps
 * two requests with the same `client_id` from taking the broker session from each other. `publish`
 * resolves once the broker has the message at the asked quality of service (written for at-most-once,
 * PUBACK for at-least-once, PUBCOMP for exactly-once), as Spin waits. Spindle opens the socket itself
 * (MQTT.js's own TCP transport takes no `lookup`), resolving the host through the `lookup` the client is
 * opened with, if any; a shared client keeps the one it was opened with (the host's runtime config gives
 * every open the same). Its sockets are the `sockets` given (the node-wide containerd shim's are made in
 * the pod's network namespace), Node's own otherwise. Knows nothing of guests or permissions.
 */
import { randomUUID } from "node:crypto";
import { connect as connectTcp, isIP, type LookupFunction } from "node:net";
import { connect as connectTls } from "node:tls";
import type { MqttClient } from "mqtt";
import { WELL_KNOWN_PORTS } from "../util/well-known-ports.ts";
import { connectOutbound, type OutboundSockets } from "../net/outbound-socket.ts";
import { unbracketed } from "../util/ip.ts";

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
  /**
   * The shared connection for `login`, its host resolved through `lookup` when given; rejects with
   * `MqttAddressError` or the broker's refusal.
   */
  connect(login: MqttLogin, lookup?: LookupFunction): Promise<MqttConnection>;
  close(): Promise<void>;
}

/** How long connecting may take before the guest is told it failed. */
const CONNECT_TIMEOUT_MS = 10_000;

/** MQTT over TLS's registered port: a client default only, allowed_outbound_hosts (as Spin's) has none. */
const MQTTS_PORT = 8883;

export function createMqttClients(sockets?: OutboundSockets): MqttClients {
  const clients = new Map<string, Promise<MqttClient>>();
  return {
    connect: async (login, lookup) => {
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
        client = openClient(login, lookup, sockets);
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

async function openClient(
  login: MqttLogin,
  lookup: LookupFunction | undefined,
  sockets: OutboundSockets | undefined,
): Promise<MqttClient> {
  const url = URL.parse(login.address);
  if (url === null || !["mqtt:", "mqtts:"].includes(url.protocol) || url.hostname === "") {
    throw new MqttAddressError(`${JSON.stringify(login.address)} is not an mqtt:// or mqtts:// URL`);
  }
  const { MqttClient } = await import("mqtt");
  const client = new MqttClient(streamTo(url, lookup, sockets), {
    clientId: url.searchParams.get("client_id") ?? `spindle-${randomUUID()}`,
    ...(login.username === "" ? {} : { username: login.username, password: login.password }),
    keepalive: login.keepAliveSeconds,
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  return connected(client);
}

/** Opens the socket to the broker `url` names: TLS for `mqtts`, the name kept for SNI and verification. */
function streamTo(url: URL, lookup: LookupFunction | undefined, sockets: OutboundSockets | undefined) {
  const host = unbracketed(url.hostname);
  const secure = url.protocol === "mqtts:";
  const port = url.port === "" ? (secure ? MQTTS_PORT : WELL_KNOWN_PORTS.mqtt) : Number(url.port);
  const resolve = lookup === undefined ? {} : { lookup };
  const sni = isIP(host) === 0 ? { servername: host } : {};
  if (sockets !== undefined) {
    return () => {
      const socket = connectOutbound(sockets, { host, port, lookup });
      return secure ? connectTls({ socket, host, ...sni }) : socket;
    };
  }
  return () =>
    secure ? connectTls({ host, port, ...resolve, ...sni }) : connectTcp({ host, port, ...resolve });
}

/** `client` once the broker accepted it; rejects with the first error (or an early close), ending it. */
function connected(client: MqttClient): Promise<MqttClient> {
  // Failures after connecting reach the guest through the failing publish; this keeps them handled.
  client.on("error", () => undefined);
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      client.off("connect", onConnect).off("error", settle).off("close", onClose);
      if (error === undefined) resolve(client);
      else {
        client.end(true);
        reject(error);
      }
    };
    const onConnect = () => settle();
    const onClose = () => settle(new Error("the broker closed the connection before accepting it"));
    client.on("connect", onConnect).on("error", settle).on("close", onClose);
  });
}

function connection(client: MqttClient): MqttConnection {
  return {
    publish: async (topic, payload, qos) => {
      await client.publishAsync(topic, Buffer.from(payload), { qos });
    },
  };
}
