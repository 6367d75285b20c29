import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { toyData } from '../../src/data/index.js';
import { capture, tempDir } from './helpers.js';

describe('cli train on a CSV file of points', () => {
  it('trains on the rows, holds some out, and eval reads the same held-out rows', async () => {
    const dir = tempDir('csv');
    const file = join(dir, 'points.csv');
    const x = toyData('moons', 400, 3);
    const v = x.arraySync() as number[][];
    x.dispose();
    writeFileSync(file, `a,b\n${v.map((r) => r.join(',')).join('\n')}\n`);
    const out = join(dir, 'run');
    const io = capture();
    const code = await main(
      [
        'train',
        '--data',
        file,
        '--model',
        'realnvp',
        '--iters',
        '20',
        '--eval-every',
        '10',
        '--out',
        out,
        '--quiet',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(io.err()).toMatch(
      new RegExp(`training realnvp on ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    // the checkpoint names a CSV outside its folder: it is not read unless named again
    const refused = capture();
    expect(await main(['eval', '--checkpoint', out], refused)).toBe(2);
    expect(refused.err()).toMatch(/outside its folder.*pass --data .*points\.csv/);
    const ev = capture();
    expect(await main(['eval', '--checkpoint', out, '--data', file], ev)).toBe(0);
    // 10% of 400 rows are held out by default
    expect(ev.out()).toMatch(/40 held-out rows of .*points\.csv/);
  });

  it('refuses a bad value or a short line naming the line and column (exit 1)', async () => {
    const dir = tempDir('csv');
    const nan = join(dir, 'nan.csv');
    writeFileSync(nan, 'x,y\n0.1,0.2\n0.3,nan\n0.5,0.6\n');
    const io = capture();
    expect(await main(['train', '--data', nan, '--iters', '2', '--out', join(dir, 'r1')], io)).toBe(1);
    expect(io.err()).toMatch(/nan\.csv: line 3, column 2 is 'nan'; every value must be a finite number/);
    const short = join(dir, 'short.csv');
    writeFileSync(short, '0.1,0.2\n0.3\n');
    const io2 = capture();
    expect(await main(['train', '--data', short, '--iters', '2', '--out', join(dir, 'r2')], io2)).toBe(1);
    expect(io2.err()).toMatch(/short\.csv: line 2 has 1 columns, expected 2/);
  });
});
