/**
 * Opens the backend a runtime-config entry names for one SQLite database label: `spin` with a path is a
 * local file, `spin` without one in memory, `libsql` a remote libSQL server over HTTP(S) (the backend
 * loads its client only then). A database that cannot be opened is a `SpindleError` naming the label and
 * what to check. Once per label per process.
 */
import type { SqliteDatabaseConfig } from "../../app/runtime-config.ts";
import type { SqlDatabase } from "../../backends/sqlite-database.ts";
import { openLibsqlDatabase } from "../../backends/sqlite-libsql.ts";
import { openLocalDatabase } from "../../backends/sqlite-local.ts";
import { SpindleError } from "../../errors.ts";

/** `fetch` is what a remote database's requests go through. */
export async function openDatabase(
  label: string,
  config: SqliteDatabaseConfig,
  fetch: typeof globalThis.fetch,
): Promise<SqlDatabase> {
  if (config.type === "libsql") return openRemote(label, config, fetch);
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

async function openRemote(
  label: string,
  { url, token }: Extract<SqliteDatabaseConfig, { type: "libsql" }>,
  fetch: typeof globalThis.fetch,
): Promise<SqlDatabase> {
  try {
    return await openLibsqlDatabase({ url, token, fetch });
  } catch (cause) {
    throw new SpindleError(
      `cannot open libsql database "${label}" (url ${url}): ${(cause as Error).message}`,
      { cause, hint: `check url and token of [sqlite_database.${label}] in the runtime config file` },
    );
  }
}
