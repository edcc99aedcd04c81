/**
 * A real PostgreSQL server for tests: a fresh cluster (`initdb`, trust authentication, user `postgres`) in a
 * temp directory, started with `pg_ctl` on 127.0.0.1 with a free port, stopped and removed when the scope
 * ends. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user through `runuser`.
 * `startPostgres` resolves to `undefined` only when the server binaries are not installed (scripts/setup.sh
 * installs Debian's `postgresql`), so suites can skip with a clear message instead of failing.
 */
import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./ports.ts";
import type { Scope } from "./scope.ts";

const run = promisify(execFile);

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  readonly port: number;
}

export const POSTGRES_MISSING = "PostgreSQL is not installed (scripts/setup.sh installs Debian's postgresql)";

const VERSIONS_DIR = "/usr/lib/postgresql";

/** The newest installed server's `bin` folder. */
function serverBin(): string | undefined {
  if (!existsSync(VERSIONS_DIR)) return undefined;
  const versions = readdirSync(VERSIONS_DIR)
    .filter((v) => existsSync(join(VERSIONS_DIR, v, "bin/pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(VERSIONS_DIR, versions[0], "bin");
}

export function postgresAvailable(): boolean {
  return serverBin() !== undefined;
}

export async function startPostgres(scope: Scope): Promise<RunningPostgres | undefined> {
  const bin = serverBin();
  if (bin === undefined) return undefined;
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), "spindle-pg-"));
  mkdirSync(join(dir, "sock"));
  // The server's user must reach every parent folder and own the cluster's.
  chmodSync(dir, 0o755);
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    for (const path of [dir, join(dir, "sock")]) chownSync(path, Number(stdout), Number(gid));
  }
  const as = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);
  const data = join(dir, "data");
  scope.after(async () => {
    await as("pg_ctl", ["-D", data, "stop", "-m", "fast"]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });
  await as("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]);
  const port = await freePort();
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${join(dir, "sock")} -c fsync=off`;
  await as("pg_ctl", ["-D", data, "-l", join(dir, "data/server.log"), "-w", "-o", options, "start"]);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port };
}
