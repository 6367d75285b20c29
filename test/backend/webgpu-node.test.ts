/**
 * WebGPU in Node (Dawn, npm package `webgpu`) on whatever Vulkan driver is installed — on CI's
 * CPU-only machine Mesa lavapipe from bookworm-backports, which .ci/run installs. Compared with
 * wasm: odeintAsync (adaptive and fixed-step), a CNF's log-density computed asynchronously, a
 * CNF training step's gradients (the model's read-free training pass; the adjoint's
 * lossAndGradientsAsync), and a whole `train` run
 * (reads 'async', the default there; checkpoints written) that lowers the held-out NLL with the
 * first iterations' numbers of wasm. Every synchronous read throws on this backend, so any
 * dataSync left on these paths fails the tests. Skips, saying why, only when Dawn finds no
 * adapter (no Vulkan driver) outside CI; in CI a missing driver fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installNodeWebGpu } from '../../src/backend/webgpu-node.js';
import { initBackend, odeintAsync, tf, toySampler } from '../../src/index.js';
import type { DensityModel } from '../../src/model.js';
import { createModel, evaluateAsync, loadCheckpoint, train } from '../../src/node.js';
import { disposeModel, eightGaussians, smallCnf } from '../cnf/helpers.js';
import { relErr } from '../gradients/helpers.js';
import { linspace, vanDerPol } from '../solvers/problems.js';

let why = '';
try {
  const adapter = await installNodeWebGpu();
  console.log(`WebGPU adapter: ${adapter.description} (${adapter.software ? 'software' : 'hardware'})`);
} catch (err) {
  why = (err as Error).message;
  if (!/no WebGPU adapter/.test(why) || process.env.CI) throw err; // the package itself must load
  console.warn(`skipping the WebGPU tests: ${why}`);
}

async function on<T>(backend: 'wasm' | 'webgpu', fn: () => Promise<T>): Promise<T> {
  await initBackend(backend);
  return fn();
}

describe.skipIf(why !== '')('webgpu backend in Node (Dawn)', () => {
  beforeAll(async () => {
    expect(await initBackend('webgpu')).toBe('webgpu');
  });
  afterAll(async () => {
    await initBackend('wasm');
  });

  it('synchronous reads throw there (what the async API is for)', async () => {
    await initBackend('webgpu');
    // large enough to run on the GPU (tfjs computes tiny ops on the CPU)
    const x = tf.ones([64, 64]);
    const y = tf.matMul(x, x);
    expect(() => y.dataSync()).toThrow(/OffscreenCanvas/);
    expect((await y.data())[0]).toBe(64);
    tf.dispose([x, y]);
  });

  it.each([
    ['dopri5', { method: 'dopri5', rtol: 1e-5, atol: 1e-5 }, 1e-4],
    ['rk4', { method: 'rk4', stepSize: 0.05 }, 2e-6],
  ] as const)('odeintAsync %s matches wasm', async (_m, options, tol) => {
    const solve = async () => {
      const y0 = tf.tensor2d([
        [2, 0],
        [1, 1],
        [-0.5, 2],
      ]);
      const ys = await odeintAsync(vanDerPol.f, y0, linspace(0, 5, 11), options);
      const v = Array.from(await ys.data());
      tf.dispose([y0, ys]);
      return v;
    };
    const ref = await on('wasm', solve);
    const got = await on('webgpu', solve);
    expect(relErr(got, ref)).toBeLessThan(tol);
  });

  it('dop853 (stage sums of up to 12 terms) on a state the GPU computes matches wasm', async () => {
    // a [64, 64] state runs on the GPU (vanDerPol's [3, 2] runs on tfjs's CPU path): one addN of
    // 12 inputs exceeded the 8 storage buffers of a shader stage and gave garbage (errors of ~14)
    const solve = async () => {
      const y0 = tf.randomNormal([64, 64], 0, 1, 'float32', 1);
      const f = (t: number, y: tf.Tensor) => tf.mul(tf.sin(y), -1 - t);
      const ys = await odeintAsync(f, y0, [0, 0.5, 1], { method: 'dop853', rtol: 1e-6, atol: 1e-6 });
      const v = Array.from(await ys.data());
      tf.dispose([y0, ys]);
      return v;
    };
    const ref = await on('wasm', solve);
    const got = await on('webgpu', solve);
    expect(relErr(got, ref)).toBeLessThan(1e-5);
  });

  // Data starts on wasm: tfjs moves a tensor between backends with a synchronous read of the
  // source, which works from wasm to webgpu and throws the other way.
  it('CNF log-density (async) matches wasm', async () => {
    await initBackend('wasm');
    const cnf = smallCnf({ blocks: 1 });
    const x = eightGaussians(64, 5);
    const lp = async () => {
      const t = await cnf.logProbAsync(x);
      const v = Array.from(await t.data());
      t.dispose();
      return v;
    };
    const ref = await on('wasm', lp);
    const got = await on('webgpu', lp);
    expect(relErr(got, ref)).toBeLessThan(1e-5);
    tf.dispose(x);
    disposeModel(cnf);
  });

  it('CNF training step (rk4, read-free training pass) has the gradients of wasm', async () => {
    await initBackend('wasm');
    const cnf = smallCnf({ blocks: 1 });
    const x = eightGaussians(64, 6);
    const vars = [...cnf.params] as tf.Variable[];
    const step = async () => {
      const pass = await cnf.trainPassAsync(x);
      const { value, grads } = tf.variableGrads(() => pass.loss().loss as tf.Scalar, vars);
      pass.dispose();
      const flat: number[] = [];
      for (const v of vars) flat.push(...(await grads[v.name].data()));
      const loss = (await value.data())[0];
      tf.dispose([value, ...Object.values(grads)]);
      return { loss, flat };
    };
    const ref = await on('wasm', step);
    const got = await on('webgpu', step);
    expect(Math.abs(got.loss - ref.loss)).toBeLessThan(1e-5 * Math.abs(ref.loss) + 1e-6);
    expect(relErr(got.flat, ref.flat)).toBeLessThan(1e-4);
    tf.dispose(x);
    disposeModel(cnf);
  });

  it('CNF adjoint training step (dopri5 forward and backward solves, lossAndGradientsAsync) has the loss and gradients of wasm', async () => {
    await initBackend('wasm');
    const cnf = smallCnf({
      blocks: 2,
      gradient: 'adjoint',
      solver: { method: 'dopri5', rtol: 1e-5, atol: 1e-5 },
    });
    const x = eightGaussians(64, 7);
    const step = async () => {
      const r = await cnf.lossAndGradientsAsync(x);
      if (!r) throw new Error('no adjoint gradient');
      const flat: number[] = [];
      for (const g of r.grads) flat.push(...(await g.data()));
      const loss = (await r.loss.data())[0];
      tf.dispose([r.loss, ...r.grads]);
      return { loss, flat, nfeBackward: r.info.nfeBackward };
    };
    const ref = await on('wasm', step);
    const got = await on('webgpu', step);
    expect(got.nfeBackward).toBeGreaterThan(0);
    expect(Math.abs(got.loss - ref.loss)).toBeLessThan(1e-5 * Math.abs(ref.loss) + 1e-6);
    expect(relErr(got.flat, ref.flat)).toBeLessThan(1e-4);
    tf.dispose(x);
    disposeModel(cnf);
  });

  it('a whole train run (CNF, dopri5, trainable T): first iterations as on wasm, held-out NLL lowered, checkpoint written, loaded and resumed', async () => {
    const config = {
      dim: 2,
      hidden: [16, 16],
      seed: 1,
      solver: { method: 'dopri5', rtol: 1e-3, atol: 1e-3 },
    };
    const options = { batchSize: 64, learningRate: 2e-2, testSize: 256, progress: false } as const;
    // three iterations on each backend, from the same weights and batches
    const first = async (backend: 'wasm' | 'webgpu') => {
      await initBackend('wasm');
      const model = createModel('cnf', config);
      await initBackend(backend);
      const r = await train(model, toySampler('8gaussians', 3), { ...options, iterations: 3, evalEvery: 0 });
      await initBackend('wasm');
      return { history: r.history, model };
    };
    const ref = await first('wasm');
    for (const p of ref.model.params) p.dispose();
    const got = await first('webgpu');
    for (const p of got.model.params) p.dispose();
    for (let i = 0; i < 3; i++) {
      expect(
        relErr(
          [got.history[i].loss, got.history[i].gradNorm],
          [ref.history[i].loss, ref.history[i].gradNorm],
        ),
      ).toBeLessThan(1e-3);
      expect(got.history[i].info.nfe).toBe(ref.history[i].info.nfe);
    }

    // 30 iterations on webgpu (reads 'async' by default there), evaluated and checkpointed
    await initBackend('wasm');
    const model = createModel('cnf', config);
    const test = toySampler('8gaussians', 9)(256, -1);
    await initBackend('webgpu');
    const before = (await evaluateAsync(model, test)).nll;
    const dir = mkdtempSync(join(tmpdir(), 'odeflow-webgpu-'));
    const r = await train(model, toySampler('8gaussians', 3), {
      ...options,
      iterations: 30,
      evalEvery: 30,
      testData: test,
      checkpointDir: dir,
    });
    console.log(
      `webgpu train: held-out NLL ${before.toFixed(3)} → ${r.testNll?.toFixed(3)} in 30 iterations`,
    );
    expect(r.history.length).toBe(30);
    expect(r.testNll).toBeLessThan(before - 1);
    // loaded and resumed on webgpu (the checkpoint's values are checked on its bytes, no read)
    const saved = await loadCheckpoint(dir);
    expect(saved.state.iteration).toBe(30);
    const resumed = await train(saved.model, toySampler('8gaussians', 3), {
      ...options,
      iterations: 32,
      evalEvery: 0,
      resume: saved,
      checkpointDir: dir,
    });
    expect(resumed.history.length).toBe(32);
    expect(resumed.history[31].loss).toBeLessThan(r.history[0].loss);
    await initBackend('wasm');
    for (const p of saved.model.params) p.dispose();
    for (const t of saved.optimizer ?? []) t.tensor.dispose();
    for (const p of model.params) p.dispose();
  }, 300_000);

  it('a kernel the device refuses (AddN over 20 inputs: more storage buffers than allowed) stops train loudly', async () => {
    await initBackend('webgpu');
    const w = tf.variable(tf.ones([64, 64]), true, 'wideAddN');
    const model: DensityModel = {
      dim: 2,
      params: [w],
      logProb: (x) => tf.zeros([x.shape[0]]),
      sample: (n) => tf.zeros([n, 2]),
      config: () => ({ kind: 'wide-addn' }),
      trainLoss: () => ({
        loss: tf.tidy(() => tf.mean(tf.addN(Array.from({ length: 20 }, (_, i) => tf.mul(w, i + 1))))),
        info: {},
      }),
      trainPassAsync: async () => ({
        loss: () => ({ ...model.trainLoss(tf.zeros([1, 2])), reads: {} }),
        dispose: () => {},
      }),
    };
    await expect(
      train(model, toySampler('moons', 0), { iterations: 2, evalEvery: 0, progress: false }),
    ).rejects.toThrow(/WebGPU device reported an error during iteration 1 \(.*storage buffers/);
    w.dispose();
    await initBackend('wasm');
  });
});

it("with no Vulkan driver, initBackend('webgpu') says what to install", () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/backend/fixtures/init-webgpu.ts'], {
    env: {
      ...process.env,
      VK_ICD_FILENAMES: '/nonexistent/icd.json',
      VK_DRIVER_FILES: '/nonexistent/icd.json',
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stdout).toMatch(
    /BackendUnavailableError: backend 'webgpu' is unavailable: Dawn found no WebGPU adapter/,
  );
  expect(r.stdout).toMatch(/mesa-vulkan-drivers/);
});
