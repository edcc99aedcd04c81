/**
 * A container with a process of its own (a pod's sandbox) records it in its bundle, so that `delete`,
 * which containerd runs after a shim has died, can stop what that shim left running, as runc's shim
 * does for its containers. The record is the pid with the process's start time, so a pid the kernel has
 * since given to another process is never signalled.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { procStatFields } from "./proc-stat.ts";

const RECORD = "spindle-process";

export function recordProcess(bundle: string, pid: number): void {
  const started = startTime(pid);
  if (started !== undefined) writeFileSync(join(bundle, RECORD), `${pid} ${started}\n`);
}

export function forgetProcess(bundle: string): void {
  rmSync(join(bundle, RECORD), { force: true });
}

/** SIGKILLs the recorded process if it is still the one recorded; whether one was killed. */
export function killRecordedProcess(bundle: string): boolean {
  let record: string;
  try {
    record = readFileSync(join(bundle, RECORD), "utf8");
  } catch {
    return false;
  }
  const [pid, started] = record.trim().split(" ").map(Number);
  forgetProcess(bundle);
  if (pid === undefined || started === undefined || startTime(pid) !== started) return false;
  try {
    process.kill(pid, "SIGKILL");
    return true;
  } catch {
    return false;
  }
}

/** Field 22 of `/proc/<pid>/stat`: when the process started, in clock ticks since boot. */
function startTime(pid: number): number | undefined {
  const started = procStatFields(pid)?.[19];
  return started === undefined ? undefined : Number(started);
}
