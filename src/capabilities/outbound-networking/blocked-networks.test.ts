import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseRuntimeConfig, RuntimeConfigError } from "../../app/runtime-config.ts";
import {
  blockedNetworks,
  DestinationProhibitedError,
  filteringLookup,
  refuseBlockedAddress,
} from "./blocked-networks.ts";

function blocked(text: string) {
  const networking = parseRuntimeConfig(`[outbound_networking]\n${text}`, "/rc.toml").outboundNetworking;
  assert.ok(networking !== undefined);
  return blockedNetworks(networking.blockNetworks);
}

describe("block_networks", () => {
  it("blocks the CIDR blocks named, IPv4-mapped and -compatible IPv6 forms included", () => {
    const networks = blocked('block_networks = ["1.2.3.0/24", "fd00::/8", "9.9.9.9"]');
    assert.equal(networks.empty, false);
    for (const address of [
      "1.2.3.4",
      "::ffff:1.2.3.4",
      "::ffff:102:304",
      "::1.2.3.4",
      "fd12::1",
      "9.9.9.9",
    ]) {
      assert.equal(networks.blocks(address), true, address);
    }
    for (const address of ["1.2.4.1", "10.0.0.1", "::1", "2606:4700::1111", "9.9.9.8"]) {
      assert.equal(networks.blocks(address), false, address);
    }
  });

  it("`private` blocks every address that is not globally routable", () => {
    const networks = blocked('block_networks = ["private"]');
    const local = [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
    ];
    for (const address of [...local, "::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "2001:db8::1"]) {
      assert.equal(networks.blocks(address), true, address);
    }
    for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700::1111"]) {
      assert.equal(networks.blocks(address), false, address);
    }
  });

  it("refuses a blocked IP address as written and leaves names to the filtering lookup", async () => {
    const networks = blocked('block_networks = ["private"]');
    assert.throws(() => refuseBlockedAddress(networks, "[::1]"), /destination IP prohibited .*: \[::1\]/);
    assert.throws(() => refuseBlockedAddress(networks, "10.0.0.1"), DestinationProhibitedError);
    refuseBlockedAddress(networks, "localhost");
    refuseBlockedAddress(networks, "8.8.8.8");
    const addresses = await new Promise<unknown>((resolve) =>
      filteringLookup(networks)("localhost", { all: true }, (error, found) => resolve(error ?? found)),
    );
    assert.ok(addresses instanceof DestinationProhibitedError);
  });

  it("checks the table's keys and values", () => {
    const refusal = (text: string, key: string, message: RegExp) =>
      assert.throws(
        () => parseRuntimeConfig(`[outbound_networking]\n${text}`, "/rc.toml"),
        (error) => error instanceof RuntimeConfigError && error.key === key && message.test(error.message),
      );
    refusal(
      'block_networks = ["10.0.0.0/33"]',
      "outbound_networking.block_networks",
      /neither an IP network/,
    );
    refusal('block_networks = ["local"]', "outbound_networking.block_networks", /"local" is neither/);
    refusal("block_networks = 1", "outbound_networking.block_networks", /expected a list of strings/);
    refusal(
      "max_total_connections = -1",
      "outbound_networking.max_total_connections",
      /non-negative integer/,
    );
    refusal("colour = 1", "outbound_networking.colour", /unknown key/);
    const config = parseRuntimeConfig(
      "[outbound_networking]\nmax_socket_connections = 10\nmax_total_connections = 100",
      "/rc.toml",
    );
    assert.deepEqual(config.outboundNetworking, { blockNetworks: { networks: [], private: false } });
  });
});
