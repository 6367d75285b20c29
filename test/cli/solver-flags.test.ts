import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFlags } from '../../src/cli/model-flags.js';
import { main } from '../../src/cli.js';
import { capture, tempDir } from './helpers.js';

const common = ['--backend', 'cpu', '--iters', '2', '--eval-every', '0', '--test-size', '50', '--quiet'];

/** `train` of a cnf with rk4 steps of `step`, and more flags. */
function rk4Cnf(step: string, ...more: string[]): string[] {
  return ['train', '--model', 'cnf', '--method', 'rk4', '--step-size', step, ...more];
}

function savedModel(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).model;
}

describe('cli train: solver, divergence and noise flags', () => {
  it('reach the cnf config as one solver object (defaults kept for flags not given)', async () => {
    const dir = join(tempDir('flags'), 'cnf');
    const io = capture();
    const args = rk4Cnf('0.25', '--divergence', 'hutchinson', '--warm-start', 'off');
    expect(await main([...args, '--noise', 'rademacher', '--out', dir, ...common], io)).toBe(0);
    const m = savedModel(dir);
    expect(m.warmStart).toBe(false);
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

  it('--gradient adjoint with --adjoint-rtol/--adjoint-atol reach the cnf config and its checkpoint', async () => {
    expect(modelFlags({ gradient: 'adjoint', 'adjoint-rtol': '1e-3' }, 'cnf')).toEqual({
      gradient: 'adjoint',
      adjointSolver: { rtol: 1e-3 },
    });
    const dir = join(tempDir('flags'), 'adjoint');
    const io = capture();
    const args = rk4Cnf('0.5', '--gradient', 'adjoint');
    const adjointTols = ['--adjoint-rtol', '1e-4', '--adjoint-atol', '1e-6'];
    expect(await main([...args, ...adjointTols, '--out', dir, ...common], io)).toBe(0);
    const m = savedModel(dir);
    expect(m.gradient).toBe('adjoint');
    expect(m.adjointSolver).toEqual({ rtol: 1e-4, atol: 1e-6 });
    // the checkpoint's config rebuilds the model (resume reads it back) and trains on
    const more = ['--backend', 'cpu', '--iters', '3', '--eval-every', '0', '--test-size', '50', '--quiet'];
    expect(await main([...args, ...adjointTols, '--out', dir, '--resume', ...more], io)).toBe(0);
    expect(savedModel(dir).adjointSolver).toEqual({ rtol: 1e-4, atol: 1e-6 });
    // the report's settings table says how the gradients were made
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toMatch(/adjoint backward solve/);
    expect(html).toMatch(/rtol 0\.0001, atol 0\.000001/);
  }, 400_000);

  it('--gradient and the adjoint tolerances are refused where they do not apply', () => {
    expect(() => modelFlags({ gradient: 'adjoint' }, 'realnvp')).toThrow(
      /--gradient applies to cnf, not 'realnvp'/,
    );
    expect(() => modelFlags({ gradient: 'fast' }, 'cnf')).toThrow(
      /--gradient fast is invalid: expected one of backprop, adjoint/,
    );
    expect(() => modelFlags({ 'adjoint-rtol': '1e-3' }, 'cnf')).toThrow(
      /--adjoint-rtol and --adjoint-atol set the backward solve of --gradient adjoint/,
    );
    expect(() => modelFlags({ gradient: 'adjoint', 'adjoint-atol': '-1' }, 'cnf')).toThrow(
      /--adjoint-atol must be a number ≥ 0, got '-1'/,
    );
  });

  it('--warm-start on|off sets the cnf option; refused elsewhere and for other values', () => {
    expect(modelFlags({ 'warm-start': 'off' }, 'cnf')).toEqual({ warmStart: false });
    expect(modelFlags({ 'warm-start': 'on' }, 'cnf')).toEqual({ warmStart: true });
    expect(() => modelFlags({ 'warm-start': 'yes' }, 'cnf')).toThrow(
      /--warm-start yes is invalid: expected one of on, off/,
    );
    expect(() => modelFlags({ 'warm-start': 'off' }, 'flow-matching')).toThrow(
      /--warm-start applies to cnf and ffjord-multiscale \(their training solves\), not 'flow-matching'/,
    );
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
