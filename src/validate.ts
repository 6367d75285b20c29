/**
 * Typed errors for bad configuration and the small checks that throw them. Every message names
 * where the value came from, the value, and what was expected.
 */

/** Shows a value in a message: strings quoted, arrays and objects as JSON, numbers as written. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  } catch {
    return String(value);
  }
}

/**
 * A model, training or checkpoint configuration value is missing, of the wrong type or out of
 * its valid range. `where` says whose option it is (e.g. `'train options'`, a checkpoint path).
 */
export class ConfigError extends Error {
  /** Always `'ConfigError'`. */
  override name = 'ConfigError';
  /**
   * Creates the error; the message names all four.
   *
   * @param where Whose option: `'realNVP options'`, `'train options'`, a file path, …
   * @param key The option's name (a dotted path for nested values).
   * @param value The value given.
   * @param expected The valid range, in words.
   */
  constructor(
    /** Whose option: `'realNVP options'`, `'train options'`, a file path, … */
    readonly where: string,
    /** The option's name (a dotted path for nested values). */
    readonly key: string,
    /** The value given. */
    readonly value: unknown,
    /** The valid range, in words. */
    readonly expected: string,
  ) {
    super(`${where}: ${key} = ${showValue(value)} is invalid: expected ${expected}`);
  }
}

/** Throws {@link ConfigError} unless `ok`. */
export function check(ok: boolean, where: string, key: string, value: unknown, expected: string): void {
  if (!ok) throw new ConfigError(where, key, value, expected);
}

/** A whole number in [min, max]; returns it. */
export function checkInt(where: string, key: string, value: unknown, min: number, max: number): number {
  check(
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max,
    where,
    key,
    value,
    `a whole number in ${min}..${max}`,
  );
  return value as number;
}

/** Bounds of {@link checkNumber}: `min`/`max` inclusive, `above`/`below` exclusive. */
export interface NumberRange {
  min?: number;
  max?: number;
  above?: number;
  below?: number;
}

/** Words for a {@link NumberRange}, e.g. "a finite number > 0". */
export function rangeText(r: NumberRange): string {
  const parts: string[] = [];
  if (r.above !== undefined) parts.push(`> ${r.above}`);
  if (r.min !== undefined) parts.push(`≥ ${r.min}`);
  if (r.below !== undefined) parts.push(`< ${r.below}`);
  if (r.max !== undefined) parts.push(`≤ ${r.max}`);
  return `a finite number${parts.length ? ` ${parts.join(' and ')}` : ''}`;
}

/** A finite number within `range`; returns it. */
export function checkNumber(where: string, key: string, value: unknown, range: NumberRange = {}): number {
  const v = value as number;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(v) &&
    (range.min === undefined || v >= range.min) &&
    (range.max === undefined || v <= range.max) &&
    (range.above === undefined || v > range.above) &&
    (range.below === undefined || v < range.below);
  check(ok, where, key, value, rangeText(range));
  return v;
}

/** One of `choices`; returns it. */
export function checkOneOf<T extends string>(
  where: string,
  key: string,
  value: unknown,
  choices: readonly T[],
): T {
  check(
    typeof value === 'string' && (choices as readonly string[]).includes(value),
    where,
    key,
    value,
    `one of ${choices.join(', ')}`,
  );
  return value as T;
}

/** A plain options object (or undefined); refuses functions, arrays and primitives. */
export function checkOptionsObject(where: string, value: unknown, name = 'options'): void {
  check(
    value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value)),
    where,
    name,
    value,
    'an options object',
  );
}
