/**
 * The `delete` action: containerd runs it to clean up after a shim that is gone (crashed, or never got
 * as far as serving). It kills a sandbox process the shim left running, unmounts the bundle's root
 * filesystem if still mounted and prints a protobuf `DeleteResponse` with status 137 and the current
 * time, as runwasi does, for containerd to report.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { killRecordedProcess } from "../container/process-record.ts";
import { encode } from "../proto/codec.ts";
import { DeleteResponse, timestamp } from "../proto/messages.ts";
import type { ShimArgs } from "./args.ts";

const KILLED_STATUS = 137;

export async function deleteShim(
  args: ShimArgs,
  cwd: string,
  stdout: { write(bytes: Uint8Array): unknown },
): Promise<void> {
  const bundle = args.bundle === "" ? cwd : args.bundle;
  killRecordedProcess(bundle);
  await promisify(execFile)("umount", [join(bundle, "rootfs")]).catch(() => undefined);
  const now = BigInt(Date.now()) * 1_000_000n;
  stdout.write(encode(DeleteResponse, { exitStatus: KILLED_STATUS, exitedAt: timestamp(now) }));
}
