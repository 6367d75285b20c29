/**
 * CSV of numbers, read with `csv-parse` (its browser build, so this file loads anywhere; files are
 * streamed by ./csv.ts): comma, semicolon or tab separated
 * (or whitespace within a line), quoted cells allowed, a first line with no numbers taken as a
 * header, blank lines and lines starting with `#` skipped. Cells must be plain decimal numbers
 * (`1`, `-2.5`, `3e-4`, `"4"`), finite, of magnitude at most {@link MAX_ABS_VALUE}; anything
 * else (`0x10`, `NaN`, `Infinity`, `1,5` in one cell) is refused naming the line and column.
 */
import type { Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/browser/esm/sync';
import { tf } from '../../solvers/tf.js';
import { DataError } from './check.js';

/** Largest |value| accepted: beyond ~1e19 a square overflows float32, so log-densities become Inf/NaN. */
export const MAX_ABS_VALUE = 1e15;

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * csv-parse options shared by the sync and the streaming reader.
 * @internal not in the declarations: csv-parse's own types need Node's (a consumer may not have them)
 */
export const OPTIONS: Options = {
  delimiter: [',', ';', '\t'],
  record_delimiter: ['\r\n', '\n', '\r'],
  trim: true,
  comment: '#',
  comment_no_infix: true,
  skip_empty_lines: true,
  relax_column_count: true,
  info: true,
};

export interface ParsedRecord {
  record: string[];
  info: { lines: number };
}

/** The cells of a record: a single field holding whitespace-separated values is split. */
function cellsOf(record: string[]): string[] {
  if (record.length === 1 && /\s/.test(record[0])) return record[0].split(/\s+/);
  return record;
}

/** Collects rows of numbers into a growing float32 buffer, checking every cell. */
export class CsvRows {
  /** Row width (from the first data row unless given). */
  dim: number | undefined;
  /** Data rows so far. */
  count = 0;
  private buf = new Float32Array(1024);
  private first = true;

  /**
   * An empty collector.
   *
   * @param source Name of the source in messages (e.g. the file).
   * @param dim Expected row width; omitted: the first data row's.
   */
  constructor(
    /** Name of the source in messages (e.g. the file). */
    readonly source: string,
    dim?: number,
  ) {
    this.dim = dim;
  }

  /** Treats the next record as data even if it has no numbers (it is not the file's first line). */
  noHeader(): void {
    this.first = false;
  }

  /**
   * Adds one parsed record found at (1-based) `line`.
   *
   * @param record The cells of the record.
   * @param line Its line number (1-based), for messages.
   */
  push(record: string[], line: number): void {
    const cells = cellsOf(record);
    const header = this.first && cells.every((c) => !NUMBER.test(c));
    this.first = false;
    if (header) return;
    this.dim ??= cells.length;
    if (cells.length !== this.dim) {
      throw new DataError(`${this.source}: line ${line} has ${cells.length} columns, expected ${this.dim}`);
    }
    const need = (this.count + 1) * this.dim;
    if (need > this.buf.length) {
      const next = new Float32Array(Math.max(need, this.buf.length * 2));
      next.set(this.buf);
      this.buf = next;
    }
    cells.forEach((c, j) => {
      const v = NUMBER.test(c) ? Number(c) : Number.NaN;
      if (!(Math.abs(v) <= MAX_ABS_VALUE)) {
        throw new DataError(
          `${this.source}: line ${line}, column ${j + 1} is '${c}'; every value must be a finite number, ` +
            `written in decimal, of magnitude at most 1e15 (larger ones overflow float32 log-densities)`,
        );
      }
      this.buf[this.count * (this.dim as number) + j] = v;
    });
    this.count++;
  }

  /** The rows, row-major `[count, dim]`; throws when there are none. */
  values(): Float32Array {
    if (this.count === 0 || this.dim === undefined) throw new DataError(`${this.source}: no data rows`);
    return this.buf.slice(0, this.count * this.dim);
  }
}

/** A csv-parse error (unclosed quote, …) as a {@link DataError} naming the line. */
export function parseError(err: unknown, source: string): Error {
  const e = err as { code?: string; lines?: number; message: string };
  if (typeof e.code === 'string' && typeof e.lines === 'number') {
    return new DataError(`${source}: line ${e.lines}: ${e.message}`);
  }
  return err as Error;
}

function parseText(text: string, rows: CsvRows): void {
  let records: ParsedRecord[];
  try {
    const parsed: unknown = parseSync(text, OPTIONS);
    if (!Array.isArray(parsed)) throw new Error('the CSV parser returned no records');
    records = parsed;
  } catch (err) {
    throw parseError(err, rows.source);
  }
  for (const r of records) rows.push(r.record, r.info.lines);
}

/**
 * Parses CSV text of numbers with `dim` columns into a float32 tensor `[n, dim]`. Refuses, naming
 * the line and column (1-based, as an editor shows them), cells that are not decimal numbers,
 * NaN/Inf, values beyond {@link MAX_ABS_VALUE}, and lines of the wrong width.
 *
 * @param text The CSV text.
 * @param dim Expected number of columns.
 * @param source Name of the source in messages (e.g. the file). Default 'csv'.
 */
export function parseCsv(text: string, dim: number, source = 'csv'): tf.Tensor2D {
  const values = csvValues(text, dim, source);
  return tf.tensor2d(values, [values.length / dim, dim], 'float32');
}

/**
 * {@link parseCsv} without the tensor: the rows, row-major, as a float32 array.
 *
 * @param text The CSV text.
 * @param dim Expected number of columns.
 * @param source Name of the source in messages (e.g. the file). Default 'csv'.
 */
export function csvValues(text: string, dim: number, source = 'csv'): Float32Array {
  const rows = new CsvRows(source, dim);
  parseText(text, rows);
  return rows.values();
}

/**
 * The number of columns of CSV text: the width of its first data line (after blank lines,
 * `#` comments and a header). Throws naming the source when there is no data line.
 *
 * @param text The CSV text.
 * @param source Name of the source in messages (e.g. the file). Default 'csv'.
 */
export function csvWidth(text: string, source = 'csv'): number {
  const rows = new CsvRows(source);
  parseText(text, rows);
  if (rows.dim === undefined) throw new DataError(`${source}: no data rows`);
  return rows.dim;
}
