/**
 * A real redis-server for tests: started on 127.0.0.1 with a free port, no persistence, stopped when the
 * scope ends. `startRedis` resolves to `undefined` only when the `redis-server` binary is not installed
 * (scripts/setup.sh installs it), so suites can skip with a clear message instead of failing.
 */
import { spawn, spawnSync } from "node:child_process";
import { freePort } from "./ports.ts";
import type { Scope } from "./scope.ts";

export interface RunningRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
}

export const REDIS_MISSING = "redis-server is not installed (scripts/setup.sh installs it)";

export function redisAvailable(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export async function startRedis(scope: Scope): Promise<RunningRedis | undefined> {
  if (!redisAvailable()) return undefined;
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  scope.after(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      output += text;
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited:\n${output}`));
    });
  });
  return { url: `redis://127.0.0.1:${port}`, port };
}
