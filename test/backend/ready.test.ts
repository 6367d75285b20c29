import { afterAll, describe, expect, it, vi } from 'vitest';
import { tf } from '../../src/index.js';

/** A fresh copy of src/backend.ts (its choice is module state; test/setup.ts already made one). */
async function freshBackend() {
  vi.resetModules();
  return import('../../src/backend.js');
}

describe('automatic backend selection on first use', () => {
  afterAll(async () => {
    const { initBackend } = await freshBackend();
    await initBackend();
  });

  it('ready() chooses once, in the documented order, and says which once', async () => {
    const saved = process.env.ODEFLOW_BACKEND;
    delete process.env.ODEFLOW_BACKEND;
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    try {
      const { ready } = await freshBackend();
      const [a, b] = await Promise.all([ready(), ready()]);
      const c = await ready();
      expect(a).toBe(b);
      expect(c).toBe(a);
      expect(['tensorflow', 'wasm']).toContain(a); // wasm here; tensorflow where tfjs-node is installed
      expect(tf.getBackend()).toBe(a);
      const said = info.mock.calls.map((args) => String(args[0])).filter((m) => m.startsWith('odeflow:'));
      expect(said).toEqual([
        `odeflow: using the '${a}' tfjs backend (initBackend(name) or ODEFLOW_BACKEND to choose)`,
      ]);
    } finally {
      info.mockRestore();
      if (saved !== undefined) process.env.ODEFLOW_BACKEND = saved;
    }
  });

  it('initBackend(name) still forces one, and ready() then keeps it without a message', async () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    try {
      const { initBackend, ready } = await freshBackend();
      expect(await initBackend('cpu')).toBe('cpu');
      expect(await ready()).toBe('cpu');
      expect(tf.getBackend()).toBe('cpu');
      expect(info).not.toHaveBeenCalled();
    } finally {
      info.mockRestore();
    }
  });

  it('a forced backend that fails leaves automatic selection usable', async () => {
    const { initBackend, ready } = await freshBackend();
    await expect(initBackend('nope' as never)).rejects.toThrow(/unknown backend 'nope'/);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    try {
      expect(['tensorflow', 'wasm', 'cpu']).toContain(await ready());
    } finally {
      info.mockRestore();
    }
  });

  it('train() makes the automatic choice before its first step', async () => {
    const saved = process.env.ODEFLOW_BACKEND;
    delete process.env.ODEFLOW_BACKEND;
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    try {
      vi.resetModules();
      const { train } = await import('../../src/train/train.js');
      const { gaussian } = await import('../train/gaussian-model.js');
      const { toySampler } = await import('../../src/data/toy.js');
      const model = gaussian(2);
      await train(model, toySampler('8gaussians'), { iterations: 1, evalEvery: 0, progress: false });
      const said = info.mock.calls
        .map((args) => String(args[0]))
        .filter((m) => m.startsWith('odeflow: using'));
      expect(said).toHaveLength(1);
      tf.dispose(model.params);
    } finally {
      info.mockRestore();
      if (saved !== undefined) process.env.ODEFLOW_BACKEND = saved;
    }
  });
});
