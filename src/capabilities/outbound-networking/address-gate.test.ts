import { testApp } from "../test-support.ts";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LoadedApp } from "../../app/load.ts";
import type { Logger, LogFields } from "../../observe/logger.ts";
import { addressGates, readAddress } from "./address-gate.ts";

function app(hosts: readonly string[]): LoadedApp {
  return testApp({ web: { metadata: { allowed_outbound_hosts: hosts } } });
}

function recorder(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: (message: string, _fields?: LogFields) => lines.push(message),
    error: () => undefined,
    child: () => logger,
  };
  return { logger, lines };
}

function gate(hosts: readonly string[], scheme = "redis") {
  const { logger, lines } = recorder();
  const variables = { values: new Map([["port", "7000"]]), secrets: new Set<string>() };
  const gates = addressGates(app(hosts), { scheme, action: "connect to Redis at", variables, logger });
  return { gate: gates.get("web")!, lines };
}

describe("address gate", () => {
  it("reads an address without a scheme with the capability's scheme and default port", () => {
    const target = readAddress("LocalHost", "redis");
    assert.equal(target?.scheme, "redis");
    assert.equal(target?.host, "localhost");
    assert.equal(target?.port, 6379);
    assert.equal(readAddress("127.0.0.1:7000", "mqtt")?.port, 7000);
    assert.equal(readAddress("", "redis"), undefined);
  });

  it("allows what an entry matches by scheme, host and port, templates rendered", () => {
    const { gate: g, lines } = gate(["redis://127.0.0.1:{{ port }}", "redis://*.example.com"]);
    assert.equal(g.check("redis://127.0.0.1:7000").kind, "allowed");
    assert.equal(g.check("redis://cache.example.com").kind, "allowed");
    assert.equal(g.check("redis://cache.example.com:6380").kind, "denied");
    assert.equal(g.check("rediss://cache.example.com").kind, "denied");
    assert.equal(lines.length, 2);
  });

  it("logs a refusal once, with the entry to add and without credentials", () => {
    const { gate: g, lines } = gate([]);
    assert.deepEqual(g.check("redis://user:secret@db.internal:6380"), {
      kind: "denied",
      url: "redis://db.internal:6380",
    });
    assert.deepEqual(lines, [
      'component "web" may not connect to Redis at redis://db.internal:6380; to allow it, add allowed_outbound_hosts = ["redis://db.internal:6380"] to [component.web] in spin.toml',
    ]);
  });

  it("calls an address that is no URL at all invalid", () => {
    assert.deepEqual(gate(["*://*:*"]).gate.check("::"), { kind: "invalid" });
  });
});
