/**
 * Guest parameters to PostgreSQL: each `parameter-value` case becomes what node-postgres sends — text for
 * numbers, dates and times (the server infers the column's type), bytes for `binary`, null for `db-null`.
 * Unsigned integers, which the 2.0 interface can express and PostgreSQL cannot store, are refused as Spin
 * refuses them. A refusal is a `ParameterError` naming the value. Pure.
 */
import type { PostgresParameter } from "../../backends/postgres-outbound.ts";

/** A `parameter-value` case, in the glue's representation. */
export type ParameterValue = { readonly tag: string; readonly val?: unknown };

/** The parameter cannot be sent; the guest sees `value-conversion-failed(message)`. */
export class ParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ParameterError";
  }
}

const UNSIGNED = new Set(["uint8", "uint16", "uint32", "uint64"]);

export function encodeParameter(parameter: ParameterValue): PostgresParameter {
  const { tag, val } = parameter;
  if (UNSIGNED.has(tag)) throw new ParameterError("Postgres does not support unsigned integers");
  switch (tag) {
    case "db-null":
      return null;
    case "binary":
      return Buffer.from(val as Uint8Array);
    case "int64":
    case "timestamp":
      return tag === "int64" ? String(val) : timestamp(val as bigint);
    case "date":
      return date(val as number[]);
    case "time":
      return time(val as number[]);
    case "datetime":
      return dateTime(val as number[]);
    default:
      return val as string | number | boolean;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** ISO years: 0 is 1 BC. */
function date([year = 0, month = 1, day = 1]: readonly number[]): string {
  const iso = `${pad(Math.abs(year > 0 ? year : 1 - year), 4)}-${pad(month)}-${pad(day)}`;
  return year > 0 ? iso : `${iso} BC`;
}

function time([hour = 0, minute = 0, second = 0, nanos = 0]: readonly number[]): string {
  return `${pad(hour)}:${pad(minute)}:${pad(second)}.${pad(nanos, 9)}`;
}

/** PostgreSQL wants the era after the time: `0044-03-15 12:00:00 BC`. */
function dateTime(parts: readonly number[]): string {
  const day = date(parts);
  const clock = time(parts.slice(3));
  return day.endsWith(" BC") ? `${day.slice(0, -3)} ${clock} BC` : `${day} ${clock}`;
}

/** Seconds since the Unix epoch, as an instant in UTC. */
function timestamp(seconds: bigint): string {
  const instant = new Date(Number(seconds) * 1000);
  if (Number.isNaN(instant.getTime())) throw new ParameterError(`invalid epoch timestamp ${seconds}`);
  return instant.toISOString();
}
