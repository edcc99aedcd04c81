/**
 * Progress for long transfers and builds. On a terminal a task is one line redrawn in place
 * (`Pushing layer 2/5 [=====>     ] 1.2 MiB / 2.5 MiB`); elsewhere (pipes, CI logs) it prints one plain line
 * when a task starts and one when it ends, never carriage returns. Other output printed through a task
 * scrolls above the bar on a terminal. One `Progress` per command run.
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
  readonly columns?: number | undefined;
}

export interface ProgressTask {
  /** Sets how much is done, in the task's unit (bytes for transfers), and what is being done now. */
  update(done: number, detail?: string): void;
  /** Prints a line of other output (a build's own output) above the bar, which is then redrawn. */
  print(line: string): void;
  /** Ends the task with a final line. */
  finish(message?: string): void;
}

export interface Progress {
  /** Starts a task; `total` is in bytes when `bytes` is set, otherwise a count; unknown totals are allowed. */
  start(label: string, total?: number, options?: { bytes?: boolean }): ProgressTask;
}

const BAR_WIDTH = 24;
/** Redraw at most this often, so a fast transfer does not flood the terminal. */
const REDRAW_MS = 80;

export function createProgress(out: ProgressStream, now: () => number = Date.now): Progress {
  return {
    start(label, total, options = {}) {
      const amount = (n: number) => (options.bytes === true ? formatBytes(n) : String(n));
      if (out.isTTY !== true) {
        out.write(`${label}${total === undefined ? "" : ` (${amount(total)})`}\n`);
        return {
          update: () => undefined,
          print: (line) => out.write(`${line}\n`),
          finish: (message) => out.write(`${message ?? `${label}: done`}\n`),
        };
      }
      let last = 0;
      let current = { done: 0, detail: "" };
      const draw = () => {
        const counts = `${amount(current.done)}${total === undefined ? "" : ` / ${amount(total)}`}`;
        const line = `${label} ${bar(current.done, total)} ${counts}${current.detail === "" ? "" : ` ${current.detail}`}`;
        // A pseudo-terminal may report 0 columns: then assume the classic 80.
        const width = out.columns === undefined || out.columns <= 0 ? 80 : out.columns;
        out.write(`\r${line.slice(0, width - 1)}\x1b[K`);
      };
      draw();
      return {
        update(done, detail) {
          const changed = detail !== undefined && detail !== current.detail;
          current = { done, detail: detail ?? current.detail };
          if (!changed && now() - last < REDRAW_MS) return;
          last = now();
          draw();
        },
        print(line) {
          out.write(`\r\x1b[K${line}\n`);
          draw();
        },
        finish(message) {
          out.write(`\r\x1b[K${message ?? `${label}: done`}\n`);
        },
      };
    },
  };
}

function bar(done: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return "[" + " ".repeat(BAR_WIDTH) + "]";
  const filled = Math.min(BAR_WIDTH, Math.floor((done / total) * BAR_WIDTH));
  const head = filled < BAR_WIDTH ? ">" : "";
  return `[${"=".repeat(filled)}${head}${" ".repeat(Math.max(0, BAR_WIDTH - filled - head.length))}]`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
