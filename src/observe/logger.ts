/**
 * Host log lines: one line per event with a level, a message and key=value fields (JSON when `json`).
 * The core depends only on the `Logger` interface; a logger is created once per process by the CLI and
 * narrowed with `child` per app, component or request.
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
}

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

type Level = "info" | "warn" | "error";

export interface LoggerOptions {
  readonly json?: boolean;
  /** Injected so tests can fix the time. */
  readonly now?: () => Date;
}

export function createLogger(out: { write(line: string): unknown }, options: LoggerOptions = {}): Logger {
  const now = options.now ?? (() => new Date());
  const format = options.json === true ? formatJson : formatText;
  const make = (bindings: LogFields): Logger => {
    const log = (level: Level) => (message: string, fields?: LogFields) =>
      out.write(format(now(), level, message, { ...bindings, ...fields }));
    return {
      info: log("info"),
      warn: log("warn"),
      error: log("error"),
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make({});
}

/** A logger that drops everything, the default where no logger is given. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

function formatText(time: Date, level: Level, message: string, fields: LogFields): string {
  const pairs = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${quote(String(v))}`);
  return `${time.toISOString()} ${level.toUpperCase().padEnd(5)} ${[message, ...pairs].join(" ")}\n`;
}

function formatJson(time: Date, level: Level, message: string, fields: LogFields): string {
  return `${JSON.stringify({ time: time.toISOString(), level, msg: message, ...fields })}\n`;
}

function quote(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}
