/**
 * A real MQTT broker for tests: Debian's mosquitto on a free port, which without a config file accepts
 * connections from the local machine only, stopped when the scope ends. `startMosquitto` resolves to
 * `undefined` only when the `mosquitto` binary is not installed (scripts/setup.sh installs it), so suites
 * can skip with a clear message instead of failing.
 */
import { spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./ports.ts";
import type { Scope } from "./scope.ts";

export interface RunningMosquitto {
  /** `mqtt://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
}

export const MOSQUITTO_MISSING = "mosquitto is not installed (scripts/setup.sh installs it)";

export function mosquittoAvailable(): boolean {
  return spawnSync("mosquitto", ["-h"], { stdio: "ignore" }).error === undefined;
}

export async function startMosquitto(scope: Scope): Promise<RunningMosquitto | undefined> {
  if (!mosquittoAvailable()) return undefined;
  const port = await freePort();
  const child = spawn("mosquitto", ["-p", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let output = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (output += text));
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  scope.after(async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  });
  for (let waited = 0; !(await accepts(port)); waited += 20) {
    if (child.exitCode !== null || waited > 10_000) throw new Error(`mosquitto did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { url: `mqtt://127.0.0.1:${port}`, port };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
