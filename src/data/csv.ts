import { readFileSync } from 'node:fs';
import type { tf } from '../../solvers/tf.js';
import { parseCsv } from './csv-parse.js';

export { csvWidth, parseCsv } from './csv-parse.js';

/** Reads a CSV file with {@link parseCsv}; messages name the file. */
export function readCsv(path: string, dim: number): tf.Tensor2D {
  return parseCsv(readFileSync(path, 'utf8'), dim, path);
}
