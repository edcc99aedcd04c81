/**
 * Kubernetes resource quantities (`128Mi`, `40M`, `0.5Gi`, `1e3`, `100m`) as exact rationals: the memory
 * limits the operator checks and turns into `SPIN_MAX_INSTANCE_MEMORY`, and that variable's value where the
 * runtime reads it. Pure.
 */

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

const BINARY: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

/** An exact value: `numerator / denominator`, denominator > 0. */
export interface Rational {
  readonly numerator: bigint;
  readonly denominator: bigint;
}

/** Parses a quantity, or `undefined` if it is not one. */
export function parseQuantity(text: string): Rational | undefined {
  const match = QUANTITY.exec(text);
  if (match === null) return undefined;
  const [, number = "", exponent, suffix = ""] = match;
  const [whole = "", fraction = ""] = number.replace(/^[+-]/, "").split(".");
  const sign = number.startsWith("-") ? -1n : 1n;
  const mantissa = {
    numerator: sign * BigInt(`${whole}${fraction}` || "0"),
    denominator: 10n ** BigInt(fraction.length),
  };
  const binary = BINARY[suffix];
  if (binary !== undefined) return { ...mantissa, numerator: mantissa.numerator * 2n ** BigInt(binary) };
  return scaleByPowerOfTen(
    mantissa,
    exponent !== undefined ? Number(exponent.slice(1)) : (DECIMAL[suffix] ?? 0),
  );
}

function scaleByPowerOfTen(q: Rational, power: number): Rational {
  if (power >= 0) return { numerator: q.numerator * 10n ** BigInt(power), denominator: q.denominator };
  return { numerator: q.numerator, denominator: q.denominator * 10n ** BigInt(-power) };
}

/** The quantity rounded up to a whole number (`Quantity.Value()` in Kubernetes). */
export function ceilValue(q: Rational): bigint {
  const quotient = q.numerator / q.denominator;
  return q.numerator % q.denominator > 0n ? quotient + 1n : quotient;
}

/** -1, 0 or 1 as `a` is less than, equal to or greater than `b`. */
export function compareQuantities(a: Rational, b: Rational): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}
