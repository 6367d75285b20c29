import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFlags } from '../../src/cli/model-flags.js';
import { main } from '../../src/cli.js';
import { capture, tempDir } from './helpers.js';

const common = ['--backend', 'cpu', '--iters', '2', '--eval-every', '0', '--test-size', '50', '--quiet'];

function savedModel(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).model;
}

describe('cli train: solver, divergence and noise flags', () => {
  it('reach the cnf config as one solver object (defaults kept for flags not given)', async () => {
    const dir = join(tempDir('flags'), 'cnf');
    const io = capture();
    const args = [
      'train',
      '--model',
      'cnf',
      '--method',
      'rk4',
      '--step-size',
      '0.25',
      '--divergence',
      'hutchinson',
    ];
    expect(await main([...args, '--noise', 'rademacher', '--out', dir, ...common], io)).toBe(0);
    const m = savedModel(dir);
    expect(m.train).toEqual({ method: 'rk4', rtol: 1e-5, atol: 1e-5, stepSize: 0.25 });
    expect(m.eval).toEqual(m.train);
    expect(m.divergence).toBe('hutchinson');
    expect(m.noise).toBe('rademacher');
  }, 400_000);

  it('set flow matching’s evaluation solver; tolerances alone keep the default method', () => {
    const flags = { rtol: '1e-3', atol: '1e-4', divergence: 'hutchinson' };
    expect(modelFlags(flags, 'flow-matching')).toEqual({
      eval: { method: 'dopri5', rtol: 1e-3, atol: 1e-4 },
      divergence: 'hutchinson',
    });
    expect(modelFlags({ method: 'rk4' }, 'cnf')).toEqual({
      solver: { method: 'rk4', rtol: 1e-5, atol: 1e-5 },
    });
    expect(modelFlags({}, 'cnf')).toEqual({});
  });

  it('are refused where they do not apply or name nothing valid', async () => {
    const io = capture();
    expect(await main(['train', '--model', 'realnvp', '--rtol', '1e-3', ...common], io)).toBe(2);
    expect(io.err()).toMatch(
      /--method, --rtol, --atol and --step-size set the ODE solver of cnf and flow-matching, not 'realnvp'/,
    );
    expect(await main(['train', '--method', 'rk5', ...common], io)).toBe(2);
    expect(io.err()).toMatch(/--method rk5 is invalid: expected one of euler, .*dopri5/);
    expect(await main(['train', '--rtol', '0', ...common], io)).toBe(2);
    expect(io.err()).toMatch(/--rtol must be a positive number, got '0'/);
    expect(await main(['train', '--noise', 'uniform', ...common], io)).toBe(2);
    expect(await main(['train', '--objective', 'cfm', '--noise', 'gaussian', ...common], io)).toBe(2);
    expect(io.err()).toMatch(/--noise applies to cnf/);
  });
});
