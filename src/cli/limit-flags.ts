/**
 * The serving limits from the command line and the environment: the request deadline, admission limits, the
 * shutdown grace period and the instance memory cap. A flag wins over its environment variable; a value that
 * does not parse is an error naming where it came from. Pure apart from reading `env`.
 */
import { INSTANCE_MEMORY_ENV, parseInstanceMemory } from "../engine/instance-memory.ts";
import { SpindleError } from "../errors.ts";
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from "../triggers/http/server.ts";
import { stringOption, type ParsedOptions } from "./command.ts";

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One limit's flag, its environment variable, and how to read it. */
interface Source {
  readonly flag: string;
  readonly env: string;
}

export const LIMIT_SOURCES = {
  requestTimeout: { flag: "request-timeout", env: "SPINDLE_REQUEST_TIMEOUT" },
  maxConcurrent: { flag: "max-concurrent-requests", env: "SPINDLE_MAX_CONCURRENT_REQUESTS" },
  maxQueued: { flag: "max-queued-requests", env: "SPINDLE_MAX_QUEUED_REQUESTS" },
  shutdownTimeout: { flag: "shutdown-timeout", env: "SPINDLE_SHUTDOWN_TIMEOUT" },
  // Spin's own name, which SpinKube sets from a SpinApp's invocationLimits.memory.
  maxInstanceMemory: { flag: "max-instance-memory", env: INSTANCE_MEMORY_ENV },
} as const satisfies Record<string, Source>;

export function readServerLimits(options: ParsedOptions, env: NodeJS.ProcessEnv): ServerLimits {
  const read = (source: Source) => readRaw(options, env, source);
  const defaults = DEFAULT_SERVER_LIMITS;
  return {
    requestTimeoutMs: parseDuration(read(LIMIT_SOURCES.requestTimeout)) ?? defaults.requestTimeoutMs,
    maxConcurrent: parseCount(read(LIMIT_SOURCES.maxConcurrent)) ?? defaults.maxConcurrent,
    maxQueued: parseCount(read(LIMIT_SOURCES.maxQueued)) ?? defaults.maxQueued,
    shutdownTimeoutMs: parseDuration(read(LIMIT_SOURCES.shutdownTimeout)) ?? defaults.shutdownTimeoutMs,
  };
}

interface RawValue {
  readonly text: string;
  /** `--flag` or `env NAME`, for messages. */
  readonly where: string;
}

function readRaw(options: ParsedOptions, env: NodeJS.ProcessEnv, source: Source): RawValue | undefined {
  const flag = stringOption(options, source.flag);
  if (flag !== undefined) return { text: flag, where: `--${source.flag}` };
  const value = env[source.env];
  return value === undefined || value === "" ? undefined : { text: value, where: source.env };
}

/** `500ms`, `30s`, `2m`, `1h`, or a bare number of seconds; `0` turns the limit off. */
export function parseDuration(raw: RawValue | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = DURATION.exec(raw.text.trim());
  const ms = match === null ? NaN : Number(match[1]) * (UNIT_MS[match[2] ?? "s"] ?? NaN);
  // Timers cannot wait longer than 2^31-1 ms.
  if (!Number.isFinite(ms) || ms > 2 ** 31 - 1) {
    throw new SpindleError(`invalid ${raw.where} "${raw.text}": expected a duration`, {
      hint: "for example 30s, 500ms, 2m or 0 for none (at most about 24 days)",
    });
  }
  return Math.round(ms);
}

/** A whole number ≥ 0. */
export function parseCount(raw: RawValue | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.text.trim();
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new SpindleError(`invalid ${raw.where} "${raw.text}": expected a whole number`, {
      hint: "for example 100, or 0 as described in spindle up --help",
    });
  }
  return Number(text);
}

/** `--max-instance-memory` or `SPIN_MAX_INSTANCE_MEMORY` in bytes, or undefined when neither is set. */
export function readMaxInstanceMemory(options: ParsedOptions, env: NodeJS.ProcessEnv): number | undefined {
  const raw = readRaw(options, env, LIMIT_SOURCES.maxInstanceMemory);
  return raw === undefined ? undefined : parseInstanceMemory(raw.text, raw.where);
}
