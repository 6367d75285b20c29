import type { tf } from '../../solvers/tf.js';
import { checkData, DataError } from './check.js';

/**
 * Parses CSV text of numbers (comma, semicolon, tab or whitespace separated) with `dim` columns
 * into a float32 tensor `[n, dim]`. A first line with no numbers is taken as a header; blank lines
 * and lines starting with `#` are skipped. Refuses, naming the line and column (1-based, as an
 * editor shows them), cells that are not numbers, NaN/Inf, and lines of the wrong width.
 */
export function parseCsv(text: string, dim: number, source = 'csv'): tf.Tensor2D {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  let first = true;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/\s*[,;\t]\s*|\s+/);
    const numeric = cells.map((c) => (c.trim() === '' ? Number.NaN : Number(c)));
    const isHeader = first && cells.every((c) => Number.isNaN(Number(c)));
    first = false;
    if (isHeader) return;
    if (cells.length !== dim) {
      throw new DataError(`${source}: line ${i + 1} has ${cells.length} columns, expected ${dim}`);
    }
    numeric.forEach((v, c) => {
      if (!Number.isFinite(v)) {
        throw new DataError(
          `${source}: line ${i + 1}, column ${c + 1} is '${cells[c]}'; every value must be a finite number`,
        );
      }
    });
    rows.push(numeric);
  });
  if (rows.length === 0) throw new DataError(`${source}: no data rows`);
  return checkData(rows, dim, { source });
}

/**
 * The number of columns of CSV text: the width of its first data line (after blank lines,
 * `#` comments and a header). Throws naming the source when there is no data line.
 */
export function csvWidth(text: string, source = 'csv'): number {
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/\s*[,;\t]\s*|\s+/);
    if (cells.every((c) => Number.isNaN(Number(c)))) continue; // header
    return cells.length;
  }
  throw new DataError(`${source}: no data rows`);
}
