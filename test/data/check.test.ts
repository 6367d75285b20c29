import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { checkData, DataError, parseCsv, readCsv } from '../../src/node.js';

describe('checkData', () => {
  it('accepts good rows and tensors, returning float32 [n, dim]', () => {
    const a = checkData(
      [
        [1, 2],
        [3, 4],
      ],
      2,
    );
    expect(a.shape).toEqual([2, 2]);
    expect(a.arraySync()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const t = tf.tensor2d([[0.5, 1, 2]]);
    const b = checkData(t, 3);
    expect(b.dtype).toBe('float32');
    tf.dispose([a, t, b]);
  });

  it('names the row and column of a NaN or Inf', () => {
    const bad = [
      [1, 2],
      [3, 4],
      [5, Number.NaN],
    ];
    expect(() => checkData(bad, 2)).toThrow(DataError);
    expect(() => checkData(bad, 2)).toThrow(/row 3, column 2 is NaN/);
    const t = tf.tensor2d([
      [1, 2],
      [Number.POSITIVE_INFINITY, 4],
    ]);
    expect(() => checkData(t, 2, { source: 'batch' })).toThrow(/batch: row 2, column 1 is Infinity/);
    t.dispose();
  });

  it('names the row of the wrong width, and refuses a tensor of the wrong width', () => {
    expect(() => checkData([[1, 2], [3]], 2)).toThrow(/row 2 has 1 columns, expected 2/);
    const t = tf.zeros([4, 3]);
    expect(() => checkData(t, 2)).toThrow(/expected 2 columns, got 3/);
    t.dispose();
    expect(() => checkData([], 2)).toThrow(/no rows/);
  });
});

describe('parseCsv / readCsv', () => {
  it('parses with a header, comments and blank lines', () => {
    const x = parseCsv('x,y\n# comment\n1,2\n\n3.5, -4e-1\n', 2);
    expect(x.shape).toEqual([2, 2]);
    expect(x.arraySync()[1][1]).toBeCloseTo(-0.4, 6);
    x.dispose();
  });

  it('names the line and column of a bad cell, as an editor counts them', () => {
    expect(() => parseCsv('x,y\n1,2\n3,abc\n', 2, 'f.csv')).toThrow(/f.csv: line 3, column 2 is 'abc'/);
    expect(() => parseCsv('1,2\nNaN,2\n', 2)).toThrow(/line 2, column 1 is 'NaN'/);
    expect(() => parseCsv('1,2\n1,2,3\n', 2)).toThrow(/line 2 has 3 columns, expected 2/);
    expect(() => parseCsv('x,y\n', 2)).toThrow(/no data rows/);
  });

  it('readCsv names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'odeflow-csv-'));
    const path = join(dir, 'pts.csv');
    writeFileSync(path, '1 2\n3 inf\n');
    expect(() => readCsv(path, 2)).toThrow(new RegExp(`${path}: line 2, column 2`));
  });
});
