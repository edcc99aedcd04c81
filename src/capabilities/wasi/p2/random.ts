/**
 * `wasi:random/random`, `wasi:random/insecure` and `wasi:random/insecure-seed`, all from Node's CSPRNG (the
 * insecure variants lose nothing by being secure). Stateless; shared by all instances.
 */
import { randomBytes } from "node:crypto";

function bytes(len: bigint): Uint8Array {
  return new Uint8Array(randomBytes(Number(len)));
}

function u64(): bigint {
  return randomBytes(8).readBigUInt64LE(0);
}

export const random = { getRandomBytes: bytes, getRandomU64: u64 };

export const insecure = { getInsecureRandomBytes: bytes, getInsecureRandomU64: u64 };

export const insecureSeed = { insecureSeed: (): [bigint, bigint] => [u64(), u64()] };
