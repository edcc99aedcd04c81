/**
 * A real redis-server for tests: started on 127.0.0.1 with a free port, no persistence, stopped when the
 * scope ends. `startRedis` resolves to `undefined` only when the `redis-server` binary is not installed
 * (scripts/setup.sh installs it), so suites can skip with a clear message instead of failing. A server can
 * be stopped early and another started on the same port, to test what survives a Redis restart.
 */
import { spawn, spawnSync } from "node:child_process";
import { createClient } from "redis";
import { freePort } from "./ports.ts";
import type { Scope } from "./scope.ts";

export interface RunningRedis {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

export const REDIS_MISSING = "redis-server is not installed (scripts/setup.sh installs it)";

export function redisAvailable(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Starts a server; on `port` when given (to restart one that was stopped), else on a free port. */
export async function startRedis(scope: Scope, port?: number): Promise<RunningRedis | undefined> {
  if (!redisAvailable()) return undefined;
  return startServer(scope, port ?? (await freePort()));
}

async function startServer(scope: Scope, port: number): Promise<RunningRedis> {
  const child = spawn(
    "redis-server",
    ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  scope.after(stop);
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
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}

export async function withClient<T>(
  url: string,
  use: (client: ReturnType<typeof createClient>) => Promise<T>,
) {
  const client = createClient({ url, socket: { reconnectStrategy: false } });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/** Publishes `message` as JSON (the Redis trigger probe prints `received <text>` and, given `key`, appends text to it). */
export function publish(
  redis: RunningRedis,
  channel: string,
  message: Record<string, unknown>,
): Promise<number> {
  return withClient(redis.url, (client) => client.publish(channel, JSON.stringify(message)));
}

/** The list `key` once it holds `count` entries (the guest handles messages asynchronously). */
export async function waitForList(redis: RunningRedis, key: string, count: number): Promise<string[]> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const list = await withClient(redis.url, (client) => client.lRange(key, 0, -1));
    if (list.length >= count) return list;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the list ${key} never reached ${count} entries`);
}
