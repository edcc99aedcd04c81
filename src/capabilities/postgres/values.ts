/**
 * PostgreSQL values to the guest: each column's type OID decides its kind, and each value arrives in the
 * server's text form and becomes the kind's WIT case (`int32(5)`, `str("a")`, `datetime((2024, 1, 2, …))`,
 * `db-null`), in the glue's representation. The mapping is Spin's: boolean, int2/4/8, float4/8, text,
 * varchar, bpchar, bytea, date, time, timestamp and timestamptz (read in UTC); any other type is
 * `unsupported`. Which kinds an interface version can carry is its host's business. Pure.
 */

export type ColumnKind =
  | "boolean"
  | "int16"
  | "int32"
  | "int64"
  | "floating32"
  | "floating64"
  | "str"
  | "binary"
  | "date"
  | "time"
  | "datetime"
  | "other";

/** A `db-value` case, in the glue's representation. */
export type DbValue = { readonly tag: string; readonly val?: unknown };

const KINDS = new Map<number, ColumnKind>([
  [16, "boolean"],
  [17, "binary"],
  [20, "int64"],
  [21, "int16"],
  [23, "int32"],
  [25, "str"],
  [700, "floating32"],
  [701, "floating64"],
  [1042, "str"],
  [1043, "str"],
  [1082, "date"],
  [1083, "time"],
  [1114, "datetime"],
  [1184, "datetime"],
]);

export function kindOf(typeOid: number): ColumnKind {
  return KINDS.get(typeOid) ?? "other";
}

/** `text` of a column of `kind` as the guest's value; `unsupported` for a value Spin cannot carry. */
export function decodeValue(kind: ColumnKind, text: string | null): DbValue {
  if (text === null) return { tag: "db-null" };
  const val = decoders[kind](text);
  return val === undefined ? { tag: "unsupported" } : { tag: kind, val };
}

const decoders: Record<ColumnKind, (text: string) => unknown> = {
  boolean: (text) => text === "t",
  int16: Number,
  int32: Number,
  int64: BigInt,
  floating32: Number,
  floating64: Number,
  str: (text) => text,
  binary: (text) => new Uint8Array(Buffer.from(text.slice(2), "hex")),
  date: (text) => parseDate(text),
  time: (text) => parseTime(text),
  datetime: (text) => parseDateTime(text),
  other: () => undefined,
};

type DateParts = [year: number, month: number, day: number];
type TimeParts = [hour: number, minute: number, second: number, nanosecond: number];

/** `2024-01-02`, or `0044-03-15 BC` (year -43, as ISO counts). */
function parseDate(text: string): DateParts | undefined {
  const match = /^(\d{4,})-(\d\d)-(\d\d)( BC)?$/.exec(text);
  if (match === null) return undefined;
  const year = Number(match[1]);
  return [match[4] === undefined ? year : 1 - year, Number(match[2]), Number(match[3])];
}

/** `13:45:00` or `13:45:00.123456`. */
function parseTime(text: string): TimeParts | undefined {
  const match = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?$/.exec(text);
  if (match === null) return undefined;
  const nanos = Number((match[4] ?? "").padEnd(9, "0"));
  return [Number(match[1]), Number(match[2]), Number(match[3]), nanos];
}

/** `2024-01-02 13:45:00[.ffffff][+hh[:mm]][ BC]`, shifted to UTC when it carries an offset. */
function parseDateTime(text: string): [...DateParts, ...TimeParts] | undefined {
  const match = /^(\S+) ([\d:.]+)(?:([+-])(\d\d)(?::(\d\d))?(?::\d\d)?)?( BC)?$/.exec(text);
  if (match === null) return undefined;
  const date = parseDate(`${match[1]}${match[6] ?? ""}`);
  const time = parseTime(match[2] ?? "");
  if (date === undefined || time === undefined) return undefined;
  const offsetMinutes = (Number(match[4] ?? 0) * 60 + Number(match[5] ?? 0)) * (match[3] === "-" ? -1 : 1);
  if (offsetMinutes === 0) return [...date, ...time];
  const utc = new Date(0);
  utc.setUTCFullYear(date[0], date[1] - 1, date[2]);
  utc.setUTCHours(time[0], time[1] - offsetMinutes, time[2]);
  return [
    utc.getUTCFullYear(),
    utc.getUTCMonth() + 1,
    utc.getUTCDate(),
    utc.getUTCHours(),
    utc.getUTCMinutes(),
    utc.getUTCSeconds(),
    time[3],
  ];
}
