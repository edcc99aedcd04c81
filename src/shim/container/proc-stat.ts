/**
 * Reads `/proc/<pid>/stat`, the kernel's one-line record of a process, for what the shim tells about the
 * processes it starts: when one started (`process-record.ts`) and the CPU time it used (`usage.ts`).
 * One read per call, nothing kept.
 */
import { readFileSync } from "node:fs";

/**
 * The fields of `/proc/<pid>/stat` after the command name, which may hold spaces and ")": index 0 is
 * field 3 of proc(5), the state; `undefined` once the process is gone.
 *
 * @example procStatFields(pid)?.[19] // field 22, the start time in clock ticks since boot
 */
export function procStatFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}
