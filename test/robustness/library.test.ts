/**
 * Hostile and careless calls of the library's public API (issue 14), one table row each: a typed
 * error naming the value, the valid range and where — or a correct result — with no tensor left
 * behind and no stray file.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CheckpointError,
  CNF,
  ConfigError,
  DataError,
  FileError,
  FlowMatchingModel,
  glow,
  loadCheckpoint,
  MaxStepsError,
  maf,
  mlpField,
  NonFiniteError,
  nice,
  OdeOptionError,
  odeint,
  odeintAdjoint,
  odexSolve,
  parseCsv,
  planar,
  radial,
  readCsv,
  realNVP,
  releaseTape,
  saveCheckpoint,
  solveIvp,
  TrainingDivergedError,
  tf,
  toyData,
  toySampler,
  train,
} from '../../src/node.js';
import { type Case, runCase } from './harness.js';

const neg = (_t: number, y: tf.Tensor) => tf.neg(y);
const withY0 = <T>(f: (y0: tf.Tensor) => T): T => {
  const y0 = tf.tensor1d([1]);
  try {
    return f(y0);
  } finally {
    y0.dispose();
  }
};
/** Builds a model, runs `f`, disposes the model. */
async function using<M extends { dispose(): void }, T>(
  make: () => M,
  f: (m: M) => T | Promise<T>,
): Promise<T> {
  const m = make();
  try {
    return await f(m);
  } finally {
    m.dispose();
  }
}
const quiet = { progress: false as const };

/** Writes a small NICE checkpoint into `dir` and returns the path of its checkpoint.json. */
async function niceCheckpoint(
  dir: string,
  meta: Record<string, unknown> = { data: '8gaussians' },
): Promise<string> {
  await using(
    () => nice({ layers: 2, hidden: [8] }),
    (m) => saveCheckpoint(dir, m, { iteration: 0, meta }),
  );
  return join(dir, 'checkpoint.json');
}
/** Rewrites checkpoint.json in `dir` with `edit`. */
// biome-ignore lint/suspicious/noExplicitAny: a test edits arbitrary JSON fields
function editCheckpoint(dir: string, edit: (j: Record<string, any>) => void): void {
  const path = join(dir, 'checkpoint.json');
  const j = JSON.parse(readFileSync(path, 'utf8'));
  edit(j);
  writeFileSync(path, JSON.stringify(j));
}
/** Loads a checkpoint and disposes what it returns (for cases that expect a load to fail). */
async function load(dir: string): Promise<void> {
  const ck = await loadCheckpoint(dir);
  (ck.model as unknown as { dispose(): void }).dispose();
  tf.dispose(ck.optimizer?.map((o) => o.tensor) ?? []);
}

const solverCases: Case[] = [
  {
    name: 'euler with stepSize 1e-8 and maxSteps 100 stops at once (it built 1e8 steps first: 113 s, 8 GB)',
    run: () => withY0((y0) => odeint(neg, y0, [0, 1], { method: 'euler', stepSize: 1e-8, maxSteps: 100 })),
    expect: { error: MaxStepsError, mentions: ['maxSteps = 100', 't = 0.000001', 't = 1'] },
  },
  {
    name: 'stepSize 1e-300 is refused as too small to move t (was RangeError: Invalid array length)',
    run: () => withY0((y0) => odeint(neg, y0, [0, 1], { method: 'rk4', stepSize: 1e-300 })),
    expect: { error: OdeOptionError, mentions: ['stepSize = 1e-300', 'expected a step >', 't = 1'] },
  },
  {
    name: 'stepSize 1e-20 at t = 1e6 does not change t: refused',
    run: () => withY0((y0) => odeint(neg, y0, [1e6, 1e6 + 1], { method: 'euler', stepSize: 1e-20 })),
    expect: { error: OdeOptionError, mentions: ['stepSize = 1e-20', 'float64'] },
  },
  {
    name: 'fixed steps over many output times: the budget is summed over all intervals',
    run: () =>
      withY0((y0) => odeint(neg, y0, [0, 1, 2, 3], { method: 'rk4', stepSize: 0.01, maxSteps: 250 })),
    expect: { error: MaxStepsError, mentions: ['maxSteps = 250', 'before reaching t = 3'] },
  },
  {
    name: 'fixed steps exactly at the budget still solve (100 steps of 0.01, maxSteps 100)',
    run: () =>
      withY0((y0) => {
        const y = odeint(neg, y0, [0, 1], { method: 'rk4', stepSize: 0.01, maxSteps: 100 });
        const v = y.dataSync()[1];
        y.dispose();
        return v;
      }),
    expect: { ok: (v) => expect(v as number).toBeCloseTo(Math.exp(-1), 6) },
  },
  {
    name: 'rtol 0 is refused naming the float32 limit',
    run: () => withY0((y0) => odeint(neg, y0, [0, 1], { rtol: 0 })),
    expect: { error: OdeOptionError, mentions: ['rtol = 0', 'float32'] },
  },
  {
    name: 'maxSteps 2.5 is refused',
    run: () => withY0((y0) => odeint(neg, y0, [0, 1], { maxSteps: 2.5 })),
    expect: { error: OdeOptionError, mentions: ['maxSteps = 2.5', 'whole number'] },
  },
  {
    name: 'minFactor 1 is refused',
    run: () => withY0((y0) => solveIvp(neg, y0, [0, 1], { minFactor: 1 })),
    expect: { error: OdeOptionError, mentions: ['minFactor = 1', '(0, 1)'] },
  },
  {
    name: 'ts with a NaN names its index',
    run: () => withY0((y0) => odeint(neg, y0, [0, Number.NaN])),
    expect: { error: OdeOptionError, mentions: ['ts[1] = NaN', 'finite'] },
  },
  {
    name: 'ts not monotone names both times',
    run: () => withY0((y0) => odeint(neg, y0, [0, 1, 0.5])),
    expect: { error: OdeOptionError, mentions: ['ts[1] = 1', 'ts[2] = 0.5', 'increasing'] },
  },
  {
    name: 'odexSolve over [1, 1 + 1e-15] returns both rows, y(1 + 1e-15) to float64 precision',
    run: () => odexSolve((_t, y) => [-y[0]], [1], [1, 1 + 1e-15]).ys,
    expect: {
      ok: (ys) => {
        const rows = ys as number[][];
        expect(rows).toHaveLength(2);
        expect(Math.abs(rows[1][0] - Math.exp(-(1 + 1e-15 - 1)))).toBeLessThan(1e-16);
      },
    },
  },
  {
    name: 'odexSolve with several output times inside one round-off of the start',
    run: () => odexSolve((_t, y) => [2 * y[0]], [1], [1, 1 + 2e-16, 1 + 4e-16, 1 + 1e-6]).ys,
    expect: {
      ok: (ys) => {
        const rows = ys as number[][];
        expect(rows).toHaveLength(4);
        expect(rows[3][0]).toBeCloseTo(Math.exp(2 * (1 + 1e-6 - 1)), 12);
      },
    },
  },
  {
    name: "odexSolve of y' = y² from y(0) = 1 names the blow-up time (≈ 1), not 't = NaN'",
    run: () => odexSolve((_t, y) => [y[0] * y[0]], [1], [0, 2]),
    expect: { error: NonFiniteError, mentions: [/at t = 0\.99\d+|at t = 1(\.0\d*)?$/] },
  },
  {
    name: 'odexSolve rtol 1e-20 is refused',
    run: () => odexSolve((_t, y) => [-y[0]], [1], [0, 1], { rtol: 1e-20 }),
    expect: { error: OdeOptionError, mentions: ['rtol = 1e-20', '[1e-14, 1)'] },
  },
  {
    name: 'adjoint whose f throws in the backward pass: releaseTape leaves nothing behind',
    run: () => {
      const theta = tf.tidy(() => tf.variable(tf.scalar(0.5)));
      let backward = false;
      let calls = 0;
      const f = Object.assign(
        (_t: number, y: tf.Tensor) => {
          if (backward && ++calls > 3) throw new RangeError('f failed in the backward pass');
          return tf.mul(theta, y);
        },
        { params: [theta] },
      );
      try {
        return withY0((y0) =>
          tf.variableGrads(() => {
            const y = odeintAdjoint(f, y0, [0, 1]);
            backward = true;
            return tf.sum(y);
          }),
        );
      } catch (err) {
        releaseTape();
        throw err;
      } finally {
        theta.dispose();
      }
    },
    expect: { error: RangeError, mentions: ['backward pass'] },
  },
];

const modelCases: Case[] = [
  {
    name: 'realNVP({ dim: 0 }) is refused',
    run: () => realNVP({ dim: 0 }),
    expect: { error: ConfigError, mentions: ['realNVP options: dim = 0', '2..65536'] },
  },
  {
    name: 'realNVP({ dim: 1 }) is refused (one half of the split would be empty: constant logProb)',
    run: () => realNVP({ dim: 1 }),
    expect: { error: ConfigError, mentions: ['dim = 1', '2..65536'] },
  },
  {
    name: 'maf({ dim: 0 }) is refused',
    run: () => maf({ dim: 0 }),
    expect: { error: ConfigError, mentions: ['maf options', 'dim = 0', '1..65536'] },
  },
  {
    name: 'nice({ layers: 1e9 }) is refused at once (it hung for minutes allocating)',
    run: () => nice({ layers: 1e9 }),
    expect: { error: ConfigError, mentions: ['nice options', 'layers = 1000000000', '1..256'] },
  },
  {
    name: 'glow({ dim: 1 }) is refused',
    run: () => glow({ dim: 1 }),
    expect: { error: ConfigError, mentions: ['glow options', 'dim = 1'] },
  },
  {
    name: 'planar({ layers: 0 }) is refused',
    run: () => planar({ layers: 0 }),
    expect: { error: ConfigError, mentions: ['planar options', 'layers = 0', '1..256'] },
  },
  {
    name: 'radial({ dim: 2.5 }) is refused',
    run: () => radial({ dim: 2.5 }),
    expect: { error: ConfigError, mentions: ['radial options', 'dim = 2.5', 'whole number'] },
  },
  {
    name: 'realNVP hidden [64, 0] is refused naming the entry',
    run: () => realNVP({ hidden: [64, 0] }),
    expect: { error: ConfigError, mentions: ['hidden[1] = 0', '1..8192'] },
  },
  {
    name: 'nice with hidden [8192, 8192] × 256 layers is refused by size',
    run: () => nice({ layers: 256, hidden: [8192, 8192] }),
    expect: { error: ConfigError, mentions: ['model (size)', 'parameters', 'at most 50000000'] },
  },
  {
    name: "realNVP scale 'exp' is refused",
    run: () => realNVP({ scale: 'exp' as never }),
    expect: { error: ConfigError, mentions: ["scale = 'exp'", 'tanh, sigmoid, none'] },
  },
  {
    name: "CNF method 'foo' is refused by the constructor, not at the first logProb",
    run: () => new CNF({ dim: 2, method: 'foo' as never }),
    expect: { error: ConfigError, mentions: ['CNF options', "train.method = 'foo'", 'dopri5'] },
  },
  {
    name: 'CNF rtol -1 is refused by the constructor',
    run: () => new CNF({ dim: 2, rtol: -1 }),
    expect: { error: ConfigError, mentions: ['CNF options', 'train.rtol = -1', '1'] },
  },
  {
    name: 'CNF eval stepSize 0 is refused',
    run: () => new CNF({ dim: 2, eval: { method: 'rk4', stepSize: 0 } }),
    expect: { error: ConfigError, mentions: ['eval.stepSize = 0', '> 0'] },
  },
  {
    name: 'new CNF(someFunction) is not read as an options object',
    run: () => new CNF((() => 1) as never),
    expect: { error: ConfigError, mentions: ['CNF', 'a function', 'an options object'] },
  },
  {
    name: 'CNF T = -1 is refused',
    run: () => new CNF({ dim: 2, T: -1 }),
    expect: { error: ConfigError, mentions: ['T = -1', '> 0'] },
  },
  {
    name: "CNF activation 'relu' is refused naming the choices",
    run: () => new CNF({ dim: 2, activation: 'relu' as never }),
    expect: { error: ConfigError, mentions: ["activation = 'relu'", 'tanh'] },
  },
  {
    name: "flowMatching coupling 'foo' is refused (it trained without error)",
    run: () => {
      const field = mlpField({ dim: 2, hidden: [8] });
      try {
        return new FlowMatchingModel(field, { coupling: 'foo' as never });
      } finally {
        for (const p of field.params) p.dispose();
      }
    },
    expect: { error: ConfigError, mentions: ['flowMatching options', "coupling = 'foo'", 'exact, sinkhorn'] },
  },
  {
    name: 'flowMatching sigma -1 is refused',
    run: () => {
      const field = mlpField({ dim: 2, hidden: [8] });
      try {
        return new FlowMatchingModel(field, { sigma: -1 });
      } finally {
        for (const p of field.params) p.dispose();
      }
    },
    expect: { error: ConfigError, mentions: ['sigma = -1', '≥ 0'] },
  },
  {
    name: 'RealNVP logProb of a NaN row is NaN for that row only (NaN in, NaN out; other rows exact)',
    run: () =>
      using(
        () => realNVP({ layers: 2, hidden: [8] }),
        (m) => {
          const x = tf.tensor2d([
            [Number.NaN, 0],
            [0.1, 0.2],
          ]);
          const one = tf.tensor2d([[0.1, 0.2]]);
          const lp = m.logProb(x);
          const lp1 = m.logProb(one);
          const out = [Array.from(lp.dataSync()), lp1.dataSync()[0]] as const;
          tf.dispose([x, one, lp, lp1]);
          return out;
        },
      ),
    expect: {
      ok: (r) => {
        const [rows, alone] = r as readonly [number[], number];
        expect(Number.isNaN(rows[0])).toBe(true);
        expect(rows[1]).toBeCloseTo(alone, 5);
      },
    },
  },
  ...(
    [
      ['nice', () => nice()],
      ['realNVP', () => realNVP()],
      ['realNVP (images)', () => realNVP({ imageShape: [8, 8, 1] })],
      ['glow', () => glow()],
      ['glow (images)', () => glow({ imageShape: [8, 8, 1] })],
      ['maf', () => maf()],
      ['planar', () => planar()],
      ['radial', () => radial()],
      ['CNF', () => new CNF({ dim: 2, hidden: [8] })],
    ] as const
  ).map(
    ([name, make]): Case => ({
      name: `${name}: build then dispose() returns numTensors to where it was`,
      run: () => (make() as { dispose(): void }).dispose(),
      expect: { ok: () => undefined },
    }),
  ),
  {
    name: 'FlowMatchingModel.dispose() releases everything (it left 1 tensor)',
    run: () => new FlowMatchingModel(mlpField({ dim: 2, hidden: [8] })).dispose(),
    expect: { ok: () => undefined },
  },
];

const trainCases: Case[] = [
  ...(
    [
      ['iterations', -5, '0..1000000000'],
      ['iterations', 2.5, 'whole number'],
      ['learningRate', -1, '> 0'],
      ['learningRate', Number.NaN, '> 0'],
      ['learningRate', 0, '> 0'],
      ['evalEvery', -1, '0..1000000000'],
      ['batchSize', 0, '1..1000000'],
      ['weightDecay', -1, '≥ 0'],
      ['beta1', 1, '< 1'],
      ['checkpointEvery', 0, '1..1000000000'],
      ['testSize', 1.5, 'whole number'],
    ] as const
  ).map(
    ([key, value, range]): Case => ({
      name: `train ${key}: ${value} is refused before anything runs`,
      run: () =>
        using(
          () => nice({ layers: 2, hidden: [8] }),
          (m) => train(m, toySampler('moons'), { [key]: value, ...quiet }),
        ),
      expect: { error: ConfigError, mentions: ['train options', `${key} = ${value}`, range] },
    }),
  ),
  {
    name: 'a CNF with rk4 at lr 1e6: the end time explodes; a divergence stop, not RangeError, no leak',
    run: (dir) =>
      using(
        () => new CNF({ dim: 2, hidden: [8], method: 'rk4', stepSize: 0.05 }),
        (m) =>
          train(m, toySampler('8gaussians'), {
            iterations: 30,
            learningRate: 1e6,
            evalEvery: 0,
            checkpointDir: dir,
            checkpointEvery: 1,
            ...quiet,
          }),
      ),
    expect: { error: TrainingDivergedError, mentions: ['training diverged at iteration', 'is kept'] },
    timeout: 600_000,
    files: (names) => expect(names).toContain('checkpoint.json'),
  },
  {
    name: 'a CNF at lr 100: a divergence stop naming the solver failure (not a bare solver error)',
    run: () =>
      using(
        () => new CNF({ dim: 2, hidden: [8], rtol: 1e-2, atol: 1e-2 }),
        (m) =>
          train(m, toySampler('8gaussians'), { iterations: 40, learningRate: 100, evalEvery: 0, ...quiet }),
      ),
    expect: {
      error: TrainingDivergedError,
      mentions: [/training diverged at iteration \d+: the (ODE solver failed|loss|gradient)/],
    },
    // ~5 s on a quiet machine; the diverging iteration runs the solver to its step limit
    timeout: 600_000,
  },
  {
    name: 'nice at lr 1e6: stops, and the checkpoint kept gives a finite NLL (the kept one was NaN)',
    run: async (dir) => {
      const err = await using(
        () => nice({ layers: 2, hidden: [8] }),
        (m) =>
          train(m, toySampler('8gaussians'), {
            iterations: 200,
            learningRate: 1e6,
            evalEvery: 0,
            checkpointDir: dir,
            checkpointEvery: 1,
            ...quiet,
          }).catch((e: unknown) => e),
      );
      expect(err).toBeInstanceOf(TrainingDivergedError);
      const ck = await loadCheckpoint(dir);
      const x = toyData('8gaussians', 500, 1);
      const nll = tf.tidy(() => tf.neg(tf.mean(ck.model.logProb(x))).dataSync()[0]);
      x.dispose();
      (ck.model as unknown as { dispose(): void }).dispose();
      tf.dispose(ck.optimizer?.map((o) => o.tensor) ?? []);
      return { nll, kept: (err as TrainingDivergedError).checkpointIteration };
    },
    expect: {
      ok: (r) => {
        const { nll, kept } = r as { nll: number; kept: number };
        expect(Number.isFinite(nll)).toBe(true);
        expect(kept).toBeGreaterThanOrEqual(0);
      },
    },
  },
  {
    name: 'a forward pass that throws inside the gradient: the error passes through, no tensor leaks',
    run: () =>
      using(
        () => nice({ layers: 2, hidden: [8] }),
        (m) => {
          const bad = Object.assign(Object.create(m), {
            trainLoss: (x: tf.Tensor) => {
              const lp = m.logProb(x); // records tape nodes with saved tensors
              lp.dispose();
              throw new TypeError('model forward failed');
            },
          });
          return train(bad, toySampler('moons'), { iterations: 3, evalEvery: 0, ...quiet });
        },
      ),
    expect: { error: TypeError, mentions: ['model forward failed'] },
  },
];

const fileCases: Case[] = [
  {
    name: 'saveCheckpoint never deletes weights-*.bin / optimizer-*.bin it did not write',
    run: async (dir) => {
      writeFileSync(join(dir, 'weights-mine.bin'), 'precious');
      writeFileSync(join(dir, 'optimizer-000001-abcdef.bin'), 'precious');
      await niceCheckpoint(dir);
      await niceCheckpoint(dir);
      return readdirSync(dir);
    },
    expect: {
      ok: (names) => {
        expect(names).toContain('weights-mine.bin');
        expect(names).toContain('optimizer-000001-abcdef.bin');
        // only one set of our own binaries: the first save's were removed by the second
        expect((names as string[]).filter((n) => /^weights-000000-/.test(n))).toHaveLength(1);
      },
    },
  },
  {
    name: 'a manifest path ../../etc/passwd is refused without reading it',
    run: async (dir) => {
      await niceCheckpoint(dir);
      editCheckpoint(dir, (j) => {
        j.weightsManifest[0].paths = ['../../etc/passwd'];
      });
      return load(dir);
    },
    expect: {
      error: CheckpointError,
      mentions: ['checkpoint.json', '"../../etc/passwd"', 'inside its own folder'],
    },
  },
  {
    name: 'an absolute manifest path is refused',
    run: async (dir) => {
      await niceCheckpoint(dir);
      editCheckpoint(dir, (j) => {
        j.weightsManifest[0].paths = ['/etc/hostname.bin'];
      });
      return load(dir);
    },
    expect: { error: CheckpointError, mentions: ['"/etc/hostname.bin"', 'plain'] },
  },
  {
    name: 'a checkpoint config with layers: 1e9 is refused at once, naming the file (eval hung > 280 s)',
    run: async (dir) => {
      await niceCheckpoint(dir);
      editCheckpoint(dir, (j) => {
        j.model.layers = 1e9;
      });
      return load(dir);
    },
    expect: { error: CheckpointError, mentions: ['checkpoint.json', 'model.layers = 1000000000', '1..256'] },
  },
  ...(
    [
      ['dim', -3, 'model.dim = -3'],
      ['hidden', [64, 1e9], 'model.hidden[1] = 1000000000'],
      ['seed', 'x', "model.seed = 'x'"],
      ['kind', 'nonesuch', "unknown model kind 'nonesuch'"],
    ] as const
  ).map(
    ([key, value, says]): Case => ({
      name: `a checkpoint config with ${key}: ${JSON.stringify(value)} is refused naming the file`,
      run: async (dir) => {
        await niceCheckpoint(dir);
        editCheckpoint(dir, (j) => {
          j.model[key] = value;
        });
        return load(dir);
      },
      expect: { error: CheckpointError, mentions: ['checkpoint.json', says] },
    }),
  ),
  {
    name: 'a checkpoint with NaN weights is refused on load, naming the file and the weight',
    run: async (dir) => {
      const m = nice({ layers: 2, hidden: [8] });
      await saveCheckpoint(dir, m, { iteration: 0 });
      m.dispose();
      const bin = readdirSync(dir).find((n) => n.startsWith('weights-')) as string;
      const bytes = readFileSync(join(dir, bin));
      new DataView(bytes.buffer, bytes.byteOffset).setFloat32(0, Number.NaN, true);
      writeFileSync(join(dir, bin), bytes);
      return load(dir);
    },
    expect: { error: CheckpointError, mentions: ['checkpoint.json', 'non-finite value (NaN)', 'param0'] },
  },
  {
    name: 'a truncated weights file is refused naming it and both sizes',
    run: async (dir) => {
      await niceCheckpoint(dir);
      const bin = readdirSync(dir).find((n) => n.startsWith('weights-')) as string;
      writeFileSync(join(dir, bin), readFileSync(join(dir, bin)).subarray(0, 100));
      return load(dir);
    },
    expect: { error: CheckpointError, mentions: ['checkpoint.json', 'hold 100 bytes', 'truncated'] },
  },
  {
    name: 'truncated checkpoint JSON is refused naming the file',
    run: async (dir) => {
      await niceCheckpoint(dir);
      const p = join(dir, 'checkpoint.json');
      writeFileSync(p, readFileSync(p, 'utf8').slice(0, 50));
      return load(dir);
    },
    expect: { error: CheckpointError, mentions: ['checkpoint.json', 'not valid JSON'] },
  },
  {
    name: 'a missing weights file is named',
    run: async (dir) => {
      await niceCheckpoint(dir);
      editCheckpoint(dir, (j) => {
        j.weightsManifest[0].paths = ['weights-gone.bin'];
      });
      return load(dir);
    },
    expect: { error: FileError, mentions: ['weights-gone.bin', 'does not exist'] },
  },
  {
    name: 'checkpoint.json that is a directory: EISDIR names the path',
    run: (dir) => {
      mkdirSync(join(dir, 'checkpoint.json'));
      return load(dir);
    },
    expect: { error: FileError, mentions: ['checkpoint.json', 'is a directory'] },
  },
  {
    name: 'state.iteration -1 is refused',
    run: async (dir) => {
      await niceCheckpoint(dir);
      editCheckpoint(dir, (j) => {
        j.state.iteration = -1;
      });
      return load(dir);
    },
    expect: { error: CheckpointError, mentions: ['state.iteration = -1', '0..1000000000'] },
  },
  {
    name: 'stale .tmp-PID-N files of a killed save are removed by the next save (live ones kept)',
    run: async (dir) => {
      writeFileSync(join(dir, '.checkpoint.json.tmp-999999999-3'), 'partial');
      writeFileSync(join(dir, `.weights.bin.tmp-${process.pid}-77`), 'in use');
      await niceCheckpoint(dir);
      const names = readdirSync(dir);
      // the live one is this process's: remove it ourselves so the harness sees no temp file
      const live = `.weights.bin.tmp-${process.pid}-77`;
      const kept = names.includes(live);
      writeFileSync(join(dir, live), '');
      (await import('node:fs')).rmSync(join(dir, live));
      return { names, kept };
    },
    expect: {
      ok: (r) => {
        const { names, kept } = r as { names: string[]; kept: boolean };
        expect(names).not.toContain('.checkpoint.json.tmp-999999999-3');
        expect(kept).toBe(true);
      },
    },
  },
  {
    name: 'readCsv of a directory names the path (EISDIR)',
    run: (dir) => readCsv(dir, 2),
    expect: { error: FileError, mentions: [/cannot read CSV file '.*odeflow-robust-.*': is a directory/] },
  },
  {
    name: 'readCsv of a missing file names it',
    run: (dir) => readCsv(join(dir, 'nope.csv'), 2),
    expect: { error: FileError, mentions: ['nope.csv', 'does not exist'] },
  },
  {
    name: 'parseCsv: a quoted "4" is a number',
    run: () => {
      const t = parseCsv('"4",5\n', 2);
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    },
    expect: { ok: (v) => expect(v).toEqual([4, 5]) },
  },
  ...(
    [
      ['0x10,1\n', "line 1, column 1 is '0x10'"],
      ['1,2\n3,Infinity\n', "line 2, column 2 is 'Infinity'"],
      ['1,2\n3e38,1\n', "line 2, column 1 is '3e38'", 'at most 1e15'],
      ['1,2\n"3,4\n', 'line 2', 'Quote'],
      ['1,2\n1,2,3\n', 'line 2 has 3 columns, expected 2'],
      ['x,y\n', 'no data rows'],
      ['1,2\n,3\n', "line 2, column 1 is ''"],
      ['1,2\n1e5e5,1\n', "line 2, column 1 is '1e5e5'"],
    ] as const
  ).map(
    ([text, ...says]): Case => ({
      name: `parseCsv refuses ${JSON.stringify(text)} naming the place`,
      run: () => parseCsv(text, 2, 'f.csv'),
      expect: { error: DataError, mentions: ['f.csv', ...says] },
    }),
  ),
  {
    name: 'parseCsv accepts whitespace, tabs, semicolons, comments, CRLF and a header',
    run: () => {
      const t = parseCsv('a b\r\n# note\n1 2\r\n3\t4\n5;6\n\n 7 ,  8 \n', 2);
      const v = Array.from(t.dataSync());
      t.dispose();
      return v;
    },
    expect: { ok: (v) => expect(v).toEqual([1, 2, 3, 4, 5, 6, 7, 8]) },
  },
];

describe('robustness: library', () => {
  for (const [group, cases] of [
    ['solvers', solverCases],
    ['models', modelCases],
    ['training', trainCases],
    ['files', fileCases],
  ] as const) {
    describe(group, () => {
      for (const c of cases) it(c.name, () => runCase(c), c.timeout);
    });
  }
});

/** Count of table rows. */
const LIBRARY_CASES = solverCases.length + modelCases.length + trainCases.length + fileCases.length;

it('the library table has at least 80 rows', () => {
  console.log(`robustness: ${LIBRARY_CASES} library cases`);
  expect(LIBRARY_CASES).toBeGreaterThanOrEqual(80);
  expect(existsSync(join(import.meta.dirname, 'harness.ts'))).toBe(true);
});
