/**
 * One training session in the worker: data (train / held-out split), model, optimizer, the
 * training step, held-out evaluation and the arrays the views draw. Tensors live only inside a
 * call; between calls only the model's and the optimizer's variables exist.
 */
import type { LoadedCheckpoint } from './checkpoint.js';
import {
  AdamW,
  createModel,
  csvValues,
  type DensityModel,
  disposeModel,
  flowPaths,
  gridLogProb,
  isToyName,
  type LossInfo,
  METHODS,
  meanNll,
  modelFromConfig,
  Rng,
  type Sampler,
  type Tensor,
  tf,
  toySampler,
  toySpec,
} from './odeflow.js';
import type { DataSpec, HistoryPoint, ModelChoice, Settings, Views } from './protocol.js';

/** Defaults of the page's settings. */
export const DEFAULT_SETTINGS: Settings = {
  model: 'cnf',
  method: 'dopri5',
  tol: 1e-4,
  stepSize: 0.05,
  hidden: [64, 64, 64],
  lr: 3e-3,
  batch: 256,
  seed: 0,
  evalEvery: 25,
  stopAt: 0,
  grid: 64,
};

const FM_OBJECTIVE: Partial<Record<ModelChoice, string>> = {
  cfm: 'cfm',
  'ot-cfm': 'ot-cfm',
  rectified: 'rectified',
};
const HELD_OUT_TOY = 1000;
const MIN_POINTS = 20;

/** Loaded data: training rows, held-out rows, and how to draw batches. */
interface Data {
  label: string;
  range: [number, number];
  show: Float32Array;
  test: Float32Array;
  sampler: Sampler;
}

function squareRange(points: Float32Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of points) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const pad = 0.1 * (hi - lo || 1);
  return [lo - pad, hi + pad];
}

function pointsData(all: Float32Array, label: string, seed: number, range?: [number, number]): Data {
  const n = all.length / 2;
  if (!Number.isInteger(n) || n < MIN_POINTS) {
    throw new Error(`${label}: ${n} points; at least ${MIN_POINTS} are needed (a fifth is held out)`);
  }
  const rows = all.slice();
  new Rng(`split:${seed}`).shuffleRows(rows, 2);
  const nTest = Math.max(4, Math.round(n / 5));
  const test = rows.slice(0, 2 * nTest);
  const train = rows.slice(2 * nTest);
  const nTrain = train.length / 2;
  const sampler: Sampler = (b, step) => {
    const rng = new Rng(`${seed}:${step ?? 0}`);
    const out = new Float32Array(2 * b);
    for (let i = 0; i < b; i++) {
      const j = rng.int(nTrain);
      out[2 * i] = train[2 * j];
      out[2 * i + 1] = train[2 * j + 1];
    }
    return tf.tensor2d(out, [b, 2]);
  };
  return { label, range: range ?? squareRange(all), show: all, test, sampler };
}

/** The data of a {@link DataSpec}. Drawn points use the drawing square [-4, 4]. */
export function loadData(spec: DataSpec, seed: number): Data {
  if (spec.kind === 'toy') {
    if (!isToyName(spec.name)) throw new Error(`unknown toy data set '${spec.name}'`);
    const sampler = toySampler(spec.name, seed);
    const read = (n: number, step: number): Float32Array => {
      const t = sampler(n, step);
      const v = t.dataSync() as Float32Array;
      t.dispose();
      return v;
    };
    const range = toySpec(spec.name).range;
    return {
      label: spec.name,
      range: [range[0], range[1]],
      show: read(1500, -2),
      test: read(HELD_OUT_TOY, -1),
      sampler,
    };
  }
  if (spec.kind === 'points') return pointsData(spec.points, spec.label, seed, [-4, 4]);
  return pointsData(csvValues(spec.text, 2, spec.label), spec.label, seed);
}

/** The model config the settings describe. */
function modelOf(s: Settings): DensityModel {
  const solver: Record<string, unknown> = { method: s.method };
  if (METHODS.isAdaptive(s.method)) Object.assign(solver, { rtol: s.tol, atol: s.tol });
  else solver.stepSize = s.stepSize;
  const common = { dim: 2, hidden: s.hidden, seed: s.seed };
  if (s.model === 'cnf') return createModel('cnf', { ...common, ...solver });
  const objective = FM_OBJECTIVE[s.model];
  if (objective) return createModel('flow-matching', { ...common, objective, eval: solver });
  return createModel(s.model, common);
}

/** The settings a loaded model corresponds to (what the page's controls should show). */
export function settingsOf(config: Record<string, unknown>): Partial<Settings> {
  const out: Partial<Settings> = {};
  const kind = config.kind as string;
  const solver = (kind === 'cnf' ? config.train : config.eval) as
    | { method?: string; rtol?: number; stepSize?: number }
    | undefined;
  if (kind === 'cnf') out.model = 'cnf';
  else if (kind === 'flow-matching') out.model = config.objective as ModelChoice;
  else out.model = kind as ModelChoice;
  const hidden = (config.hidden ?? (config.field as { hidden?: number[] } | undefined)?.hidden) as
    | number[]
    | undefined;
  if (hidden) out.hidden = [...hidden];
  if (solver?.method) out.method = solver.method;
  if (solver?.rtol !== undefined) out.tol = solver.rtol;
  if (solver?.stepSize !== undefined) out.stepSize = solver.stepSize;
  return out;
}

/** A training session: one model on one data set. */
export class Session {
  settings: Settings = { ...DEFAULT_SETTINGS };
  data?: Data;
  model?: DensityModel;
  optimizer?: AdamW;
  iteration = 0;
  history: HistoryPoint[] = [];
  lastInfo: LossInfo = {};
  /** Seconds the last held-out evaluation took. */
  evalSeconds?: number;
  /** Seconds spent in training steps (for iterations/s), over the recent window. */
  private stepTimes: number[] = [];

  /** Sets the data (keeps the model; call {@link reset} for a fresh one). */
  setData(spec: DataSpec): Data {
    this.data = loadData(spec, this.settings.seed);
    return this.data;
  }

  /**
   * Takes new settings. Returns 'model' when the model they describe differs (the caller then
   * resets), 'optimizer' when only the learning rate changed (Adam restarts, the weights stay),
   * else 'none' (batch size, evaluation interval, pause iteration, grid apply from the next step).
   */
  update(next: Settings): 'model' | 'optimizer' | 'none' {
    const prev = this.settings;
    this.settings = { ...next, hidden: [...next.hidden] };
    const same = (k: keyof Settings): boolean => JSON.stringify(prev[k]) === JSON.stringify(next[k]);
    if (!this.model || !(['model', 'method', 'tol', 'stepSize', 'hidden', 'seed'] as const).every(same))
      return 'model';
    if (!same('lr')) {
      this.optimizer?.dispose();
      this.optimizer = new AdamW({ learningRate: next.lr });
      return 'optimizer';
    }
    return 'none';
  }

  /** A fresh model and optimizer from the settings; the history restarts. */
  reset(): void {
    this.disposeModel();
    this.model = modelOf(this.settings);
    this.optimizer = new AdamW({ learningRate: this.settings.lr });
    this.iteration = 0;
    this.history = [];
    this.stepTimes = [];
    this.lastInfo = {};
  }

  /** Takes over a model read from a checkpoint. */
  adopt(loaded: LoadedCheckpoint): void {
    this.disposeModel();
    this.model = loaded.model;
    this.optimizer = new AdamW({ learningRate: this.settings.lr });
    this.iteration = loaded.iteration;
    this.history = [];
    this.stepTimes = [];
  }

  private disposeModel(): void {
    if (this.model) disposeModel(this.model);
    this.optimizer?.dispose();
    this.model = undefined;
    this.optimizer = undefined;
  }

  /** Weights as arrays, and the config: what survives a backend switch. */
  snapshot(): { config: ReturnType<DensityModel['config']>; weights: Float32Array[] } | undefined {
    if (!this.model) return undefined;
    return {
      config: this.model.config(),
      weights: this.model.params.map((p) => p.dataSync() as Float32Array),
    };
  }

  /** Rebuilds the model from a {@link snapshot} on the now active backend (Adam restarts). */
  restore(snap: NonNullable<ReturnType<Session['snapshot']>>): void {
    this.model = modelFromConfig(snap.config);
    this.model.params.forEach((p, i) => {
      const t = tf.tensor(snap.weights[i], p.shape, p.dtype);
      p.assign(t);
      t.dispose();
    });
    this.optimizer = new AdamW({ learningRate: this.settings.lr });
  }

  /** Drops the model and optimizer (before a backend switch). */
  release(): void {
    this.disposeModel();
  }

  /** One training iteration; refuses (throws) a non-finite loss before the step is applied. */
  async step(): Promise<number> {
    const model = this.model;
    const data = this.data;
    if (!model || !this.optimizer || !data) throw new Error('no model or no data');
    const t0 = performance.now();
    const next = this.iteration + 1;
    const x = data.sampler(this.settings.batch, next);
    let info: LossInfo = {};
    const params = model.params as tf.Variable[];
    let loss: number;
    let gradList: Tensor[];
    try {
      const { value, grads } = tf.variableGrads(() => {
        const out = model.trainLoss(x);
        info = out.info;
        return out.loss as tf.Scalar;
      }, params);
      gradList = params.map((p) => grads[p.name]);
      loss = (await value.data())[0];
      value.dispose();
    } finally {
      x.dispose();
    }
    if (!Number.isFinite(loss)) {
      tf.dispose(gradList);
      throw new Error(
        `training stopped at iteration ${next}: the loss is ${loss}; the step was not applied (try a smaller learning rate or a tighter tolerance)`,
      );
    }
    this.optimizer.step(params, gradList);
    tf.dispose(gradList);
    this.iteration = next;
    this.lastInfo = info;
    this.stepTimes.push((performance.now() - t0) / 1000);
    if (this.stepTimes.length > 20) this.stepTimes.shift();
    this.history.push({ iteration: next, loss });
    return loss;
  }

  /** Training iterations per second over the last (up to 20) steps. */
  itsPerSec(): number | undefined {
    if (this.stepTimes.length === 0) return undefined;
    return this.stepTimes.length / this.stepTimes.reduce((a, b) => a + b, 0);
  }

  /** Mean NLL of the held-out points (nats per point), recorded in the history. */
  evaluate(): number {
    if (!this.model || !this.data) throw new Error('no model or no data');
    const t0 = performance.now();
    const x = tf.tensor2d(this.data.test, [this.data.test.length / 2, 2]);
    try {
      const nll = meanNll(this.model, x, 1000);
      const last = this.history.at(-1);
      if (last && last.iteration === this.iteration) last.testNll = nll;
      else this.history.push({ iteration: this.iteration, loss: Number.NaN, testNll: nll });
      return nll;
    } finally {
      x.dispose();
      this.evalSeconds = (performance.now() - t0) / 1000;
    }
  }

  /** log p at `points` (interleaved x, y). */
  logProb(points: Float32Array): Float32Array {
    if (!this.model) throw new Error('no model');
    const model = this.model;
    const t = tf.tidy(() => model.logProb(tf.tensor2d(points, [points.length / 2, 2])));
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  }

  /** The arrays of the heatmap, samples-vs-data and flow views. */
  views(): Views {
    if (!this.model || !this.data) throw new Error('no model or no data');
    const t0 = performance.now();
    const model = this.model;
    const range = this.data.range;
    const grid = gridLogProb(model, { range, n: this.settings.grid, batch: 4096 });
    const seed = 1234;
    const s = model.sample(1000, seed);
    const samples = s.dataSync() as Float32Array;
    s.dispose();
    const p = flowPaths(model, 200, 32, seed + 1);
    const paths = p.dataSync() as Float32Array;
    const pathSteps = p.shape[0];
    p.dispose();
    return {
      range,
      grid: this.settings.grid,
      logp: grid.logp,
      samples,
      paths,
      pathSteps,
      seconds: (performance.now() - t0) / 1000,
    };
  }

  /** A short description of the model in use. */
  describe(): string {
    if (!this.model) return 'none';
    const c = this.model.config() as Record<string, unknown>;
    const n = this.model.params.reduce((k, p) => k + p.size, 0);
    const kind = c.kind === 'flow-matching' ? `flow matching (${c.objective})` : String(c.kind);
    return `${kind}, ${n} parameters`;
  }
}
