import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { checkPixels, dataSource } from '../../src/cli/data.js';
import { main } from '../../src/cli.js';
import { digitsData } from '../../src/data/digits.js';
import { capture, tempDir } from './helpers.js';

// Runs on the test run's backend (wasm by default): the image flows are too slow on 'cpu'.

const tmp = () => tempDir('digits');
const bitsOf = (nll: number) => nll / (64 * Math.LN2);

const source = await dataSource('digits');

describe('the digits data source', () => {
  it('holds out the digitsData split and draws reproducible training batches without replacement', () => {
    const sampler = source.sampler(3, 297);
    const { train, test } = digitsData({ test: 297, seed: 3 });
    const held = sampler(1000, -1);
    expect(held.shape).toEqual([297, 64]); // never more than the split
    expect(held.arraySync()).toEqual(test.arraySync());
    const a = sampler(64, 7);
    const b = sampler(64, 7);
    expect(a.arraySync()).toEqual(b.arraySync());
    expect(sampler(64, 8).arraySync()).not.toEqual(a.arraySync());
    // every batch row is a training row, and no training row is drawn twice (compared by content)
    const trainRows = new Map<string, number>();
    for (const r of train.arraySync()) trainRows.set(r.join(), (trainRows.get(r.join()) ?? 0) + 1);
    const seen = new Map<string, number>();
    for (const r of a.arraySync() as number[][]) seen.set(r.join(), (seen.get(r.join()) ?? 0) + 1);
    for (const [k, count] of seen) expect(count).toBeLessThanOrEqual(trainRows.get(k) ?? 0);
    tf.dispose([held, a, b, train, test]);
  });

  it('checkPixels refuses values that are not pixel levels, naming row and column', () => {
    const image = { shape: [8, 8, 1] as [number, number, number], levels: 17 };
    const ok = tf.tensor2d([Array.from({ length: 64 }, (_, i) => i % 17)]);
    expect(() => checkPixels(ok, image)).not.toThrow();
    for (const [v, col] of [
      [17, 5],
      [2.5, 64],
      [-1, 1],
    ]) {
      const row = Array.from({ length: 64 }, () => 0);
      row[col - 1] = v;
      const x = tf.tensor2d([new Array(64).fill(1), row]);
      expect(() => checkPixels(x, image, 'f.csv')).toThrow(
        new RegExp(`f.csv: row 2, column ${col} is ${v}; pixels of 8×8×1 images must be integers 0..16`),
      );
      x.dispose();
    }
    ok.dispose();
  });
});

describe('cli on the 8×8 digits', () => {
  const dir = tmp();

  it('train --data digits --model realnvp writes a checkpoint and a report with bits/dim and the image grid', async () => {
    const io = capture();
    const code = await main(
      ['train', '--data', 'digits', '--model', 'realnvp', '--iters', '6', '--eval-every', '3'].concat([
        '--batch',
        '32',
        '--lr',
        '2e-3',
        '--out',
        dir,
      ]),
      io,
    );
    expect(io.err()).not.toMatch(/error/);
    expect(code).toBe(0);
    const done = io.out().match(/done: 6 iterations .*held-out (\d+\.\d+) bits\/dim \(NLL (\d+\.\d+) nats/);
    expect(done).not.toBeNull();
    expect(Number(done?.[1])).toBeCloseTo(bitsOf(Number(done?.[2])), 3);
    expect(io.err()).toMatch(/it 3\/6 \| loss \d+\.\d+ \| test \d+\.\d+ bits\/dim/);
    const ck = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(ck.model).toMatchObject({ kind: 'realnvp', imageShape: [8, 8, 1], pixelLevels: 17 });
    expect(ck.state.meta).toMatchObject({ data: 'digits', testSize: 297 });
    const evals = ck.state.history.filter((r: { testBpd?: number }) => r.testBpd !== undefined);
    expect(evals.map((r: { iteration: number }) => r.iteration)).toEqual([3, 6]);
    for (const r of evals) expect(r.testBpd).toBeCloseTo(bitsOf(r.testNll), 8);
    expect(evals[1].testBpd).toBeGreaterThan(1);
    expect(evals[1].testBpd).toBeLessThan(8); // untrained ≈ 5.4; uniform pixels log2(17) ≈ 4.09
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('image grid: model samples (left) and data (right)');
    expect(html).toContain('test bits/dim');
    expect(html).toMatch(/held-out \d+\.\d+ bits\/dim/);
    expect(html).not.toContain('model density'); // no 2-D plots of a 64-D model
  });

  it('eval on a digits checkpoint prints NLL and bits/dim on the held-out digits', async () => {
    const io = capture();
    expect(await main(['eval', '--checkpoint', dir, '--n', '100'], io)).toBe(0);
    const m = io.out().match(/NLL (\d+\.\d+) nats per point, (\d+\.\d+) bits\/dim \(100 held-out digits/);
    expect(m).not.toBeNull();
    expect(Number(m?.[2])).toBeCloseTo(bitsOf(Number(m?.[1])), 3);
  });

  it('eval --file checks digit rows: wrong width and non-pixel values are refused with their place', async () => {
    const io = capture();
    const good = join(dir, 'good.csv');
    const { test } = digitsData({ test: 297, seed: 0 });
    const rows = (test.arraySync() as number[][]).slice(0, 2);
    test.dispose();
    writeFileSync(good, `${rows.map((r) => r.join(',')).join('\n')}\n`);
    expect(await main(['eval', '--checkpoint', dir, '--file', good], io)).toBe(0);
    expect(io.out()).toMatch(/bits\/dim \(2 rows of .*good.csv\)/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, `${rows[0].join(',')}\n${rows[1].slice(0, 63).join(',')}\n`);
    expect(await main(['eval', '--checkpoint', dir, '--file', bad], io)).toBe(1);
    expect(io.err()).toMatch(/bad.csv: line 2 has 63 columns, expected 64/);
    const wide = [...rows[1]];
    wide[9] = 40;
    writeFileSync(bad, `${rows[0].join(',')}\n${wide.join(',')}\n`);
    expect(await main(['eval', '--checkpoint', dir, '--file', bad], io)).toBe(1);
    expect(io.err()).toMatch(
      /bad.csv: row 2, column 10 is 40; pixels of 8×8×1 images must be integers 0..16/,
    );
    expect(await main(['eval', '--checkpoint', dir, '--data', 'moons'], io)).toBe(2);
    expect(io.err()).toMatch(/'realnvp' model has dimension 64 .*--data moons has dimension 2/);
  });

  it('report --checkpoint rebuilds the image report', async () => {
    const io = capture();
    const out = join(dir, 'again.html');
    expect(await main(['report', '--checkpoint', dir, '--out', out], io)).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('realnvp on digits');
    expect(html).toContain('image grid');
  });

  it('glow trains on digits too; a vector-only kind is refused before anything is written', async () => {
    const io = capture();
    const g = tmp();
    const args = ['--iters', '2', '--eval-every', '2', '--batch', '32', '--quiet'];
    expect(await main(['train', '--data', 'digits', '--model', 'glow', '--out', g, ...args], io)).toBe(0);
    expect(io.out()).toMatch(/done: 2 iterations .*held-out \d+\.\d+ bits\/dim/);
    expect(readFileSync(join(g, 'report.html'), 'utf8')).toContain('image grid');
    const m = join(tmp(), 'maf');
    expect(await main(['train', '--data', 'digits', '--model', 'maf', '--out', m, ...args], io)).toBe(2);
    expect(io.err()).toMatch(/'maf' does not build an image model.*use --model realnvp, glow or nsf/);
    expect(existsSync(m)).toBe(false);
  });
});
