/**
 * Opens the backend a runtime-config entry names for one SQLite database label: `spin` with a path is a
 * local file, `spin` without one in memory. A `libsql` entry is refused: this version has no libSQL client.
 * A database that cannot be opened is a `SpindleError` naming the label and what to check. Once per label
 * per process.
 */
import type { SqliteDatabaseConfig } from "../../app/runtime-config.ts";
import type { SqlDatabase } from "../../backends/sqlite-database.ts";
import { openLocalDatabase } from "../../backends/sqlite-local.ts";
import { SpindleError } from "../../errors.ts";

export function openDatabase(label: string, config: SqliteDatabaseConfig): SqlDatabase {
  if (config.type === "libsql") throw libsqlRefused(label);
  try {
    return openLocalDatabase({ path: config.path, allowAttach: config.allowAttachFile });
  } catch (cause) {
    throw new SpindleError(
      `cannot open SQLite database "${label}" (file ${config.path ?? ":memory:"}): ${(cause as Error).message}`,
      {
        cause,
        hint: "check that the directory is writable and the file is a SQLite database (or pass --state-dir)",
      },
    );
  }
}

export function libsqlRefused(label: string): SpindleError {
  return new SpindleError(
    `SQLite database "${label}" is a libsql remote database, which this version of Spindle does not support`,
    {
      hint: `use type = "spin" (a local file) for [sqlite_database.${label}] in the runtime config file`,
    },
  );
}
