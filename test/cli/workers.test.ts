import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { capture, tempDir } from './helpers.js';

const common = ['--backend', 'cpu', '--iters', '2', '--eval-every', '0', '--test-size', '50', '--quiet'];
const cnf = ['--model', 'cnf', '--method', 'rk4', '--step-size', '0.25', '--batch', '20'];

describe('cli train --workers', () => {
  it('trains with 2 threads and writes its checkpoint', async () => {
    const dir = join(tempDir('workers'), 'cnf');
    const io = capture();
    expect(await main(['train', ...cnf, '--workers', '2', '--out', dir, ...common], io)).toBe(0);
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
  }, 400_000);

  it("accepts 'auto' (one thread at this batch: autoWorkers)", async () => {
    const dir = join(tempDir('workers'), 'auto');
    const io = capture();
    expect(await main(['train', ...cnf, '--workers', 'auto', '--out', dir, ...common], io)).toBe(0);
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
  }, 400_000);

  it('refuses a count that is not a positive integer, or more threads than rows', async () => {
    const io = capture();
    expect(await main(['train', ...cnf, '--workers', '0', ...common], io)).toBe(2);
    expect(io.err()).toMatch(/--workers must be a positive integer or 'auto', got '0'/);
    const io1 = capture();
    expect(await main(['train', ...cnf, '--workers', 'two', ...common], io1)).toBe(2);
    expect(io1.err()).toMatch(/--workers must be a positive integer or 'auto', got 'two'/);
    const io2 = capture();
    expect(await main(['train', ...cnf, '--workers', '21', ...common], io2)).not.toBe(0);
    expect(io2.err()).toMatch(/workers = 21 is invalid: expected an integer from 1 to batchSize \(20\)/);
  });
});
