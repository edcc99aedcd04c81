/**
 * Tasks under the benchmarks' containerd (test/support/containerd.ts starts it): their pids as `ctr task
 * ls` lists them, and removing them with their containers once measured.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Containerd } from "../../test/support/containerd.ts";

/** Task id → pid of those of `ids` that containerd lists. */
export async function taskPids(containerd: Containerd, ids: readonly string[]): Promise<Map<string, number>> {
  const { stdout } = await containerd.ctr("task", "ls");
  const pids = new Map<string, number>();
  for (const line of stdout.split("\n")) {
    const [id, pid] = line.split(/\s+/);
    if (id !== undefined && ids.includes(id)) pids.set(id, Number(pid));
  }
  return pids;
}

/** Kills the tasks `ids`, removes them once they have stopped (for at most 30 s), then their containers. */
export async function removeTasks(containerd: Containerd, ids: readonly string[]): Promise<void> {
  for (const id of ids) await containerd.ctr("task", "kill", "-s", "SIGKILL", id);
  for (let i = 0; i < 300 && (await taskPids(containerd, ids)).size > 0; i++) {
    for (const id of ids) await containerd.ctr("task", "rm", id);
    await sleep(100);
  }
  for (const id of ids) await containerd.ctr("container", "rm", id);
}
