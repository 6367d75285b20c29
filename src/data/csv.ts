/** Reading CSV files (Node only): whole files and streams, through ./csv-parse.ts's checks. */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { tf } from '../../solvers/tf.js';
import { FileError, fileError, readText } from '../files.js';
import { DataError } from './check.js';
import { CsvRows, OPTIONS, type ParsedRecord, parseCsv, parseError } from './csv-parse.js';

export { CsvRows, MAX_ABS_VALUE, parseCsv } from './csv-parse.js';

/**
 * Reads a CSV file with {@link parseCsv}; messages name the file.
 *
 * @param path The file.
 * @param dim Expected number of columns.
 */
export function readCsv(path: string, dim: number): tf.Tensor2D {
  return parseCsv(readText(path, 'CSV file'), dim, path);
}

/** What {@link streamCsv} calls with each batch of rows. */
export type CsvBatchHandler = (values: Float32Array, rows: number, dim: number) => void | Promise<void>;

/**
 * Streams a CSV file through csv-parse, calling `onBatch` with row-major batches of at most
 * `batchRows` rows (width `dim`, or the first data row's) as they are read, so that files larger
 * than memory can be evaluated. Resolves to the row count and width. Errors name the file, the
 * line and the column.
 *
 * @param path The file.
 * @param onBatch Called with each batch (values, row count, width); awaited.
 * @param options `dim`: expected width (default: the first data row's); `batchRows`: most rows per batch (default 10000).
 */
export async function streamCsv(
  path: string,
  onBatch: CsvBatchHandler,
  options: { dim?: number; batchRows?: number } = {},
): Promise<{
  /** Number of data rows. */
  rows: number;
  /** Row width. */
  dim: number;
}> {
  const batchRows = options.batchRows ?? 10_000;
  let rows = new CsvRows(path, options.dim);
  let total = 0;
  const flush = async (): Promise<void> => {
    if (rows.count === 0) return;
    total += rows.count;
    const dim = rows.dim as number;
    await onBatch(rows.values(), rows.count, dim);
    rows = new CsvRows(path, dim);
    rows.noHeader(); // only the file's first data line may be a header
  };
  const input = createReadStream(path);
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (err) => reject(fileError(err, path, 'CSV file')));
  });
  await opened.catch((err: FileError) => {
    input.destroy();
    throw err;
  });
  const parser = input.pipe(parse(OPTIONS));
  input.on('error', (err) => parser.destroy(fileError(err, path, 'CSV file')));
  try {
    for await (const r of parser as AsyncIterable<ParsedRecord>) {
      rows.push(r.record, r.info.lines);
      if (rows.count >= batchRows) await flush();
    }
    await flush();
  } catch (err) {
    throw err instanceof FileError || err instanceof DataError ? err : parseError(err, path);
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (total === 0 || rows.dim === undefined) throw new DataError(`${path}: no data rows`);
  return { rows: total, dim: rows.dim };
}

/**
 * Reads a whole CSV file by streaming into one row-major float32 array (no per-row objects).
 *
 * @param path The file.
 * @param options `dim`: expected width (default: the first data row's); `onProgress`: called with the rows read so far.
 */
export async function readCsvValues(
  path: string,
  options: { dim?: number; onProgress?: (rows: number) => void } = {},
): Promise<{
  /** All rows, row-major. */
  values: Float32Array;
  /** Number of data rows. */
  rows: number;
  /** Row width. */
  dim: number;
}> {
  const parts: Float32Array[] = [];
  let n = 0;
  const { rows, dim } = await streamCsv(
    path,
    (values, count) => {
      parts.push(values);
      n += count;
      options.onProgress?.(n);
    },
    { dim: options.dim, batchRows: 100_000 },
  );
  const values = new Float32Array(rows * dim);
  let off = 0;
  for (const p of parts) {
    values.set(p, off);
    off += p.length;
  }
  return { values, rows, dim };
}
