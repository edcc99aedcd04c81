/**
 * Watches an app directory for `spindle watch`: collects the changes that matter (per `classifyChange`)
 * and reports them merged, once things have been quiet for `settleMs`, so a build writing many files or
 * an editor's save-and-rename is one event. The plan can be replaced when the manifest changes.
 *
 * While the caller is busy (building and reloading) only spin.toml edits are kept: everything else that
 * changes then is most likely written by the build itself (outputs, linkers' temporary files), and a build
 * rebuilding on its own output would never stop. An edit saved during a build is picked up by the next save.
 */
import { watch, type FSWatcher } from "node:fs";
import { join } from "node:path";
import { classifyChange, mergeChanges, type Change, type WatchPlan } from "./watch-plan.ts";

export interface FileWatcher {
  setPlan(plan: WatchPlan): void;
  /** While busy, changes other than to spin.toml are dropped. */
  setBusy(busy: boolean): void;
  close(): void;
}

export function watchApp(plan: WatchPlan, onChange: (change: Change) => void, settleMs = 250): FileWatcher {
  let current = plan;
  let busy = false;
  let pending: Change[] = [];
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(plan.appDir, { recursive: true }, (_event, name) => {
    if (name === null) return;
    const change = classifyChange(current, join(current.appDir, name));
    if (change === undefined || (busy && change.kind !== "manifest")) return;
    pending.push(change);
    clearTimeout(timer);
    timer = setTimeout(() => {
      const merged = mergeChanges(pending);
      pending = [];
      if (merged !== undefined) onChange(merged);
    }, settleMs);
  });
  return {
    setPlan: (next) => {
      current = next;
    },
    setBusy: (next) => {
      busy = next;
    },
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
