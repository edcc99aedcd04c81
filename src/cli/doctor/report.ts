/**
 * The outcome of one `spindle doctor` check and the report they make together: one aligned line per check
 * (`[ok]`, `[warn]` or `[fail]`, its name, what was found) with a `hint:` line under anything that is not
 * fine, and a closing count. Pure.
 */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** What to do about a warning or failure. */
  readonly hint?: string | undefined;
}

const NAME_WIDTH = 16;

export function formatReport(results: readonly CheckResult[]): string {
  const lines = ["Spindle doctor"];
  for (const result of results) {
    lines.push(`  ${`[${result.status}]`.padEnd(7)}${result.name.padEnd(NAME_WIDTH)} ${result.detail}`);
    if (result.hint !== undefined) lines.push(`${" ".repeat(9 + NAME_WIDTH)} hint: ${result.hint}`);
  }
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  const [warnings, failures] = [count("warn"), count("fail")];
  lines.push(
    failures + warnings === 0
      ? "Everything Spindle needs is in place."
      : `${failures} problem${failures === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}.`,
  );
  return `${lines.join("\n")}\n`;
}
