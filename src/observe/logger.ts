/**
 * Host log lines, through pino: one JSON object per line (`time`, `level`, `msg`, then fields) when the
 * output is not a terminal, and a short human line (`<time> WARN  message key=value`) when it is. The core
 * depends only on the `Logger` interface; the CLI creates one logger per process, narrowed with `child`
 * per app, component or request. Secrets never reach the output: `authorization`, `cookie` and similar
 * headers are replaced by `[redacted]` wherever a `headers` field is logged, and every value registered
 * with `redact` (the values of variables marked `secret = true`) is cut out of messages and fields.
 * Guest output does not go through here (see guest-output.ts).
 */
import pino from "pino";

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
}

export type LogValue = string | number | boolean | undefined | Readonly<Record<string, unknown>>;
export type LogFields = Readonly<Record<string, LogValue>>;

/** The process's logger, which also learns which values are secret. */
export interface HostLogger extends Logger {
  /** Cuts each of `values` out of every later line. */
  redact(values: Iterable<string>): void;
  /**
   * Also hands every line written, as pino's JSON text (secrets already removed), to `listener`. Each line
   * starts with its level as a label, `{"level":"warn",`, so a listener can filter without parsing.
   */
  tee(listener: (json: string) => void): void;
}

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  readonly json?: boolean;
  /** The least severe level written; `info` by default. */
  readonly level?: LogLevel;
  /** Injected so tests can fix the time. */
  readonly now?: () => Date;
}

const REDACTED = "[redacted]";

const SECRET_HEADERS = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"];

export function createLogger(out: { write(line: string): unknown }, options: LoggerOptions = {}): HostLogger {
  const now = options.now ?? (() => new Date());
  const secrets = new Set<string>();
  const listeners: ((json: string) => void)[] = [];
  const root = pino(
    {
      level: options.level ?? "info",
      base: null,
      timestamp: () => `,"time":"${now().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: SECRET_HEADERS.map((h) => `headers["${h}"]`), censor: REDACTED },
    },
    {
      write(line: string) {
        out.write(options.json === true ? line : pretty(line));
        for (const listener of listeners) listener(line);
      },
    },
  );
  const scrub = (text: string) => {
    let result = text;
    for (const secret of secrets) result = result.replaceAll(secret, REDACTED);
    return result;
  };
  const wrap = (logger: pino.Logger): Logger => {
    const log = (level: "debug" | "info" | "warn" | "error") => (message: string, fields?: LogFields) => {
      if (!logger.isLevelEnabled(level)) return;
      logger[level](scrubFields(fields ?? {}, scrub), scrub(message));
    };
    return {
      debug: log("debug"),
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      child: (bindings) => wrap(logger.child(scrubFields(bindings, scrub))),
    };
  };
  return {
    ...wrap(root),
    redact(values) {
      // Very short values would cut ordinary words out of every line; they are too weak to be secrets.
      for (const value of values) if (value.length >= 4) secrets.add(value);
    },
    tee: (listener) => listeners.push(listener),
  };
}

/** A logger that drops everything, the default where no logger is given. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

function scrubFields(fields: LogFields, scrub: (text: string) => string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined) result[key] = deep(value, scrub);
  return result;
}

function deep(value: unknown, scrub: (text: string) => string): unknown {
  if (typeof value === "string") return scrub(value);
  if (Array.isArray(value)) return value.map((item) => deep(item, scrub));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v, scrub)]));
}

/** pino's JSON line as `<time> LEVEL message key=value …`. */
function pretty(line: string): string {
  const { time, level, msg, ...fields } = JSON.parse(line) as Record<string, unknown>;
  const pairs = Object.entries(fields).map(
    ([k, v]) => `${k}=${quote(typeof v === "string" ? v : JSON.stringify(v))}`,
  );
  return `${String(time)} ${String(level).toUpperCase().padEnd(5)} ${[String(msg), ...pairs].join(" ")}\n`;
}

function quote(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}
