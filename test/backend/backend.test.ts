import { afterAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, initBackend, tf } from '../../src/index.js';

describe('initBackend', () => {
  afterAll(async () => {
    await initBackend();
  });

  it('uses ODEFLOW_BACKEND when no name is given', async () => {
    const saved = process.env.ODEFLOW_BACKEND;
    process.env.ODEFLOW_BACKEND = 'cpu';
    try {
      expect(await initBackend()).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
    } finally {
      if (saved === undefined) delete process.env.ODEFLOW_BACKEND;
      else process.env.ODEFLOW_BACKEND = saved;
    }
  });

  it('falls back to wasm when no native tfjs package is installed', async () => {
    const saved = process.env.ODEFLOW_BACKEND;
    delete process.env.ODEFLOW_BACKEND;
    try {
      const name = await initBackend();
      // tfjs-node is not installable offline; where it is installed, 'tensorflow' is right.
      expect(['tensorflow', 'wasm']).toContain(name);
      expect(tf.getBackend()).toBe(name);
    } finally {
      if (saved !== undefined) process.env.ODEFLOW_BACKEND = saved;
    }
  });

  it('says why a requested backend is unavailable', async () => {
    let native = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      native = false;
    }
    if (native) return; // nothing to refuse on a machine that has it
    const err = await initBackend('tensorflow').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(String((err as Error).message)).toMatch(/tfjs-node.*internet/s);
  });

  it('rejects an unknown backend name with the list of valid ones', async () => {
    const err = await initBackend('nope' as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toContain('wasm');
  });

  it('registers gradients (first-order autodiff works)', async () => {
    await initBackend('wasm');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.tanh(x), x)));
    const x = tf.scalar(0.7);
    const d = g(x).dataSync()[0];
    // d/dx x·tanh(x) = tanh(x) + x·(1 − tanh²(x))
    const t = Math.tanh(0.7);
    expect(d).toBeCloseTo(t + 0.7 * (1 - t * t), 5);
  });
});
