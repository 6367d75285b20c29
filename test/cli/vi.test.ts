import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { main } from '../../src/cli.js';
import { capture, tempDir } from './helpers.js';

describe('odeflow fit', () => {
  it('fits planar K=8 to U1 and writes fit.json and report.html with the exact-log-Z KL', async () => {
    const out = tempDir('fit');
    const io = capture();
    const n0 = tf.memory().numTensors;
    const code = await main(
      [
        'fit',
        '--energy',
        'u1',
        '--model',
        'planar',
        '--steps',
        '8',
        '--iters',
        '150',
        '--batch',
        '128',
        '--kl-samples',
        '4000',
        '--out',
        out,
        '--quiet',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(tf.memory().numTensors).toBe(n0);
    const r = JSON.parse(readFileSync(join(out, 'fit.json'), 'utf8'));
    expect(r.logZ).toBeCloseTo(1.8775, 3);
    expect(r.kl).toBeGreaterThan(-4 * r.klStderr);
    expect(r.kl).toBeLessThan(1.5);
    expect(io.out()).toMatch(/KL\(q‖p\) [\d.]+ ± [\d.]+ nats/);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('exp(−U)/Z');
  }, 60_000);

  it('refuses an unknown energy or model with a usage error listing the choices', async () => {
    const io = capture();
    expect(await main(['fit', '--energy', 'u9'], io)).toBe(2);
    expect(io.err()).toMatch(/u1, u2, u3, u4/);
    const io2 = capture();
    expect(await main(['fit', '--model', 'glow'], io2)).toBe(2);
    expect(io2.err()).toMatch(/planar, radial, cnf/);
  });
});

describe('odeflow train --model vae', () => {
  it('trains a planar-posterior VAE with a 2-D latent and writes the report (latent figures) and vae.json', async () => {
    const out = tempDir('vae');
    const io = capture();
    const code = await main(
      [
        'train',
        '--data',
        'digits',
        '--model',
        'vae',
        '--posterior',
        'planar',
        '--flow-steps',
        '16',
        '--iters',
        '40',
        '--k',
        '20',
        '--out',
        out,
        '--quiet',
      ],
      io,
    );
    expect(code).toBe(0);
    const r = JSON.parse(readFileSync(join(out, 'vae.json'), 'utf8'));
    expect(r.config.posterior).toBe('planar');
    expect(r.config.flowSteps).toBe(16);
    expect(r.testLogPx).toBeGreaterThan(r.testElbo);
    expect(r.testElbo).toBeGreaterThan(-45);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain('aggregate posterior');
    expect(html).toContain('per-image posteriors');
    expect(html).toContain('reconstructions');
  }, 60_000);

  it('refuses other data and unknown posteriors; --help describes the VAE flags', async () => {
    const io = capture();
    expect(await main(['train', '--data', '8gaussians', '--model', 'vae'], io)).toBe(2);
    expect(io.err()).toMatch(/--model vae trains on --data digits/);
    const io2 = capture();
    expect(await main(['train', '--model', 'vae', '--posterior', 'nsf'], io2)).toBe(2);
    expect(io2.err()).toMatch(/gaussian, planar, radial, iaf, cnf/);
    const io3 = capture();
    expect(await main(['train', '--model', 'vae', '--help'], io3)).toBe(0);
    expect(io3.out()).toContain('--flow-steps K');
    expect(existsSync('runs/digits-vae-nsf')).toBe(false);
  });
});
