/** One `wrk` run on the load CPU, parsed: requests per second and latency percentiles in milliseconds. */
import { execFileSync } from "node:child_process";
import { LOAD_CPU, pinned } from "./process.ts";

export interface WrkResult {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
}

export interface WrkLoad {
  readonly connections: number;
  /** wrk's `-d`, e.g. `5s`. */
  readonly duration: string;
}

export function wrk(url: string, load: WrkLoad): WrkResult {
  const [command, args] = pinned(LOAD_CPU, "wrk", [
    "-t1",
    `-c${load.connections}`,
    `-d${load.duration}`,
    "--latency",
    url,
  ]);
  const text = execFileSync(command, args, { encoding: "utf8" });
  if (/Non-2xx/.test(text)) throw new Error(`non-2xx responses from ${url}:\n${text}`);
  const latency = (p: string) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(text)?.[1] ?? "NaN");
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]),
    p50: latency("50"),
    p99: latency("99"),
  };
}

function toMs(value: string): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(value);
  if (match === null) return Number.NaN;
  const n = Number(match[1]);
  return match[2] === "us" ? n / 1000 : match[2] === "s" ? n * 1000 : n;
}
