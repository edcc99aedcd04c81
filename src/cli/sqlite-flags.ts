/**
 * `--sqlite` arguments of `spindle up`/`watch`: each is SQL text, or `@FILE` for the contents of a file
 * (relative to the working directory), run in order against the `default` SQLite database before serving.
 * An unreadable file is a `SpindleError` naming the flag and the path.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SpindleError } from "../errors.ts";

export function readSqliteFlags(flags: readonly string[], cwd: string): string[] {
  return flags.map((flag) => {
    if (!flag.startsWith("@")) return flag;
    const path = resolve(cwd, flag.slice(1));
    try {
      return readFileSync(path, "utf8");
    } catch (cause) {
      throw new SpindleError(`cannot read --sqlite file ${path}: ${(cause as Error).message}`, {
        cause,
        hint: "give SQL text, or @FILE with the path of a file of SQL statements",
      });
    }
  });
}
