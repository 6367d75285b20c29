import { OdeError } from '../../solvers/errors.js';
import { releaseTape } from '../../solvers/tape.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import { ready } from '../backend.js';
import type { Sampler } from '../data/toy.js';
import type { IterationRecord } from '../metrics/history.js';
import type { DensityModel, LossInfo } from '../model.js';
import { ConfigError } from '../validate.js';
import { AdamW, type AdamWOptions, flatten } from './adamw.js';
import type { Checkpoint } from './checkpoint.js';
import { checkpointWriter } from './checkpoint-writer.js';
import { DeviceErrorGuard } from './device-errors.js';
import { evaluate, evaluateAsync } from './evaluate.js';
import { readFlat } from './flat.js';
import { lossAndGradients } from './loss-gradients.js';
import { checkTrainOptions } from './options-check.js';
import { Progress, type ProgressSink } from './progress.js';
import { shardGradient } from './shard-gradient.js';
import { combineShards, type ShardPool, ShardWorkerError, shardPoolFactory, shardRows } from './shards.js';

/** Options of {@link train}. */
export interface TrainOptions extends AdamWOptions {
  /** Total iterations (a resumed run counts the ones already done). Default 1000. */
  iterations?: number;
  /** Points per batch. Default 100. */
  batchSize?: number;
  /**
   * Data-parallel training over this many threads (Node only, `odeflow/node`): each iteration the
   * batch is split into `workers` shards, the calling thread computes one and `workers − 1` worker
   * threads (each with its own tfjs backend and a copy of the model, rebuilt from `model.config()`)
   * the others; the gradients are combined as Σₖ (nₖ / B)·∇ₖ and one optimizer step is taken here.
   * Exact for losses that are means over independent rows (the CNF with exact divergence: each
   * shard solves its own adaptive ODE, and the batch loss is the mean of the shards' means);
   * random draws inside the loss (Hutchinson probes, flow matching's noise, OT-CFM's minibatch
   * coupling, which then pairs within a shard) are per shard. Default 1 (no threads).
   */
  workers?: number;
  /** Evaluate the held-out NLL every this many iterations, and at the end; 0 never. Default 100. */
  evalEvery?: number;
  /** Size of the held-out set drawn as `sampler(testSize, -1)` when no `testData` is given. Default 1000. */
  testSize?: number;
  /** Held-out data `[n, dim]` (not disposed by `train`). Default: drawn from the sampler. */
  testData?: Tensor;
  /** Batch size for evaluating `logProb` on the held-out set. Default 1000. */
  evalBatch?: number;
  /** Directory for checkpoints; none are written without it. */
  checkpointDir?: string;
  /** Checkpoint every this many iterations (and at the start and the end). Default `evalEvery` or 100. */
  checkpointEvery?: number;
  /** Free-form JSON stored with each checkpoint (data set, seed, …). */
  meta?: Record<string, unknown>;
  /** Continue from a loaded checkpoint: its iteration count, history and optimizer state. */
  resume?: Checkpoint;
  /**
   * Progress display: `true` writes to `process.stderr` (a redrawn bar on a TTY, plain lines
   * otherwise), a sink writes there, `false` shows nothing. Default true.
   */
  progress?: boolean | ProgressSink;
  /**
   * How the model's training pass reads numbers back from the device. `'sync'`: `trainLoss`
   * under the gradient tape (an adaptive CNF solve reads each step's error norm with `dataSync`).
   * `'async'`: the model's own read-free gradient `lossAndGradientsAsync` where it gives one (a
   * CNF with `gradient: 'adjoint'`: forward and adjoint solves step with `await data()`), else two
   * phases — the model's `trainPassAsync` makes every choice that needs a read (a CNF's steps,
   * end time, probe; an OT coupling) with `await data()`, then its read-free loss runs under the
   * tape; evaluation uses `logProbAsync`. Same numbers either way; `'async'` is
   * what works on a backend without synchronous reads (WebGPU in Node). Everything else `train`
   * reads (loss, gradient norm, held-out NLL, checkpoint weights) is read asynchronously in both.
   * Default: `'async'` on the `webgpu` backend, `'sync'` elsewhere (one forward solve cheaper per
   * CNF iteration).
   */
  reads?: 'sync' | 'async';
  /**
   * Called after every iteration (after evaluation and checkpointing), e.g. to update a notebook
   * plot. Returning `false` (or a promise of it) stops training after this iteration.
   *
   * @param record This iteration's loss, timings and any evaluation.
   * @param model The model being trained.
   */
  onIteration?: (record: IterationRecord, model: DensityModel) => unknown;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** All records, those of a resumed checkpoint first. */
  history: IterationRecord[];
  /** Iterations completed. */
  iteration: number;
  /** Last held-out NLL, if evaluated. */
  testNll?: number;
  /** Last held-out bits/dim, if evaluated and the model is an image model. */
  testBpd?: number;
  /** Wall seconds of this call. */
  seconds: number;
  /** Why it stopped: all iterations done, or `onIteration` returned false. */
  stopped: 'done' | 'callback';
}

/**
 * Thrown when training diverges: the loss, its gradient or the held-out NLL becomes NaN/Inf, or
 * the ODE solver fails (step underflow, too many steps, non-finite state). The weights of that
 * step were not applied, and the last checkpoint kept is one whose loss was checked finite.
 */
export class TrainingDivergedError extends Error {
  /** Always `'TrainingDivergedError'`. */
  override name = 'TrainingDivergedError';
  /**
   * Creates the error.
   *
   * @param message What diverged, and where.
   * @param iteration The iteration whose loss was not finite.
   * @param history Records up to the last good iteration.
   * @param checkpointIteration Iteration of the last checkpoint written (still intact), if any.
   */
  constructor(
    message: string,
    /** The iteration whose loss was not finite. */
    readonly iteration: number,
    /** Records up to the last good iteration. */
    readonly history: IterationRecord[],
    /** Iteration of the last checkpoint written (still intact), if any. */
    readonly checkpointIteration?: number,
  ) {
    super(message);
  }
}

/** An error's first sentence (solver errors go on with advice about options training does not have). */
function firstClause(err: Error): string {
  return `${err.name}: ${err.message.split(/\. (?=[A-Z])|; (?=raise|loosen)/)[0]}`;
}

function sinkOf(progress: TrainOptions['progress']): ProgressSink | undefined {
  if (progress === false) return undefined;
  if (progress === undefined || progress === true) {
    // the console where there is no process (browsers)
    return globalThis.process?.stderr ?? { write: (s: string) => console.log(s.trimEnd()) };
  }
  return progress;
}

/**
 * One iteration's loss and gradient over `workers` shards: the worker threads get the current
 * parameters and shards 1…, this thread computes shard 0 meanwhile; combined by {@link combineShards}.
 */
async function parallelGradient(
  model: DensityModel,
  pool: ShardPool,
  x: Tensor,
  workers: number,
): Promise<{ loss: number; grads: Float32Array; info: LossInfo }> {
  const rows = shardRows(x.shape[0], workers);
  const cols = x.shape[1] ?? 1;
  const values = x.dataSync() as Float32Array;
  const shards = [];
  let at = rows[0] * cols;
  for (const n of rows.slice(1)) {
    shards.push({ x: values.slice(at, at + n * cols), rows: n, cols });
    at += n * cols;
  }
  const params = readFlat(model.params);
  const others = pool.gradients(params, shards);
  // a failure here still waits for the workers' replies, so none is left unhandled
  const own = () => {
    const x0 = tf.slice(x, 0, rows[0]);
    try {
      return shardGradient(model, x0);
    } finally {
      x0.dispose();
    }
  };
  let mine: ReturnType<typeof shardGradient>;
  try {
    mine = own();
  } catch (err) {
    await others.catch(() => undefined);
    throw err;
  }
  return combineShards([mine, ...(await others)]);
}

/**
 * Trains `model` by minimising `model.trainLoss` on batches from `sampler`, with Adam and
 * decoupled weight decay ({@link AdamW}). Each iteration: draw `sampler(batchSize, iteration)`,
 * take first-order gradients of the loss, refuse a non-finite loss or gradient (throwing
 * {@link TrainingDivergedError} before the step is applied, so no checkpoint ever holds its
 * weights), step, evaluate the held-out NLL (and bits/dim for image models) every `evalEvery`
 * iterations, checkpoint every `checkpointEvery`, report progress and call `onIteration`. No tensors are left per iteration.
 *
 * The model's `info` is read after the gradient is computed, so a model may fill in numbers
 * (e.g. `nfeBackward`) during its backward pass. Info keys `nfe`/`nfeForward` and `nfeBackward`
 * are shown as NFE in the progress line and plotted by the report.
 *
 * @param model Any {@link DensityModel} (a CNF, a discrete flow, a flow-matching model); its `params` are updated in place.
 * @param sampler Training data: `sampler(n, step)` returns `[n, dim]` points; `step` is the iteration (−1 for the held-out set).
 * @param options Iterations, batch size, AdamW settings, evaluation and checkpoint cadence, progress display, `onIteration`: see {@link TrainOptions}.
 * @example
 * const model = new CNF({ dim: 2 });
 * const result = await train(model, toySampler('8gaussians'), { iterations: 500, evalEvery: 100 });
 * console.log(result.testNll);
 */
export async function train(
  model: DensityModel,
  sampler: Sampler,
  options: TrainOptions = {},
): Promise<TrainResult> {
  checkTrainOptions(options);
  await ready();
  const iterations = options.iterations ?? 1000;
  const batchSize = options.batchSize ?? 100;
  const evalEvery = options.evalEvery ?? 100;
  const checkpointEvery = options.checkpointEvery ?? (evalEvery > 0 ? evalEvery : 100);
  const dir = options.checkpointDir;
  const started = performance.now();
  const params = model.params;
  const asyncReads = (options.reads ?? (tf.getBackend() === 'webgpu' ? 'async' : 'sync')) === 'async';
  const trainPassAsync = asyncReads ? model.trainPassAsync?.bind(model) : undefined;
  const ownGradientsAsync = asyncReads ? model.lossAndGradientsAsync?.bind(model) : undefined;
  if (asyncReads && !trainPassAsync && !ownGradientsAsync) {
    throw new Error(
      `train: reads 'async' needs the model's trainPassAsync; this '${model.config().kind}' model has none (use reads 'sync' on a backend with synchronous reads)`,
    );
  }

  const workers = options.workers ?? 1;
  if (workers > batchSize) {
    throw new ConfigError(
      'train options',
      'workers',
      workers,
      `an integer from 1 to batchSize (${batchSize})`,
    );
  }

  const optimizer = new AdamW(options);
  const history: IterationRecord[] = [...(options.resume?.state.history ?? [])];
  let start = 0;
  if (options.resume) {
    start = options.resume.state.iteration;
    if (options.resume.optimizer) await optimizer.setState(options.resume.optimizer);
  }
  const elapsedBefore = history.at(-1)?.elapsed ?? 0;
  const ownTest = options.testData === undefined && evalEvery > 0;
  const testData = options.testData ?? (evalEvery > 0 ? sampler(options.testSize ?? 1000, -1) : undefined);
  const sink = sinkOf(options.progress);
  const progress = sink ? new Progress(iterations, sink) : undefined;
  let checkpointIteration: number | undefined;
  const checkpoint = async (iteration: number): Promise<void> => {
    if (!dir) return;
    await checkpointWriter()(dir, model, { iteration, history, meta: options.meta }, optimizer);
    checkpointIteration = iteration;
  };

  const diverge = (at: number, what: string): never => {
    const kept =
      checkpointIteration === undefined
        ? 'no checkpoint was written'
        : `the last checkpoint whose loss was finite (iteration ${checkpointIteration}) in '${dir}' is kept`;
    const message =
      `training diverged at iteration ${at}: the ${what}; this step was not saved and ${kept}. ` +
      'Try a smaller learning rate, tighter solver tolerances, or more weight decay.';
    progress?.note(message);
    throw new TrainingDivergedError(message, at, history, checkpointIteration);
  };
  /** Runs a forward computation; a solver failure in it is divergence at `at`. */
  const guard = <T>(at: number, f: () => T): T => {
    try {
      return f();
    } catch (err) {
      if (err instanceof OdeError) diverge(at, `ODE solver failed (${firstClause(err)})`);
      throw err;
    }
  };
  /** Awaits a forward computation; a solver failure in it is divergence at `at`. */
  const guardAsync = async <T>(at: number, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof OdeError) diverge(at, `ODE solver failed (${firstClause(err)})`);
      throw err;
    }
  };
  /** The NLL of the stepped weights on batch `x` must be finite before they are saved. */
  const checkStepped = async (at: number, x: Tensor): Promise<void> => {
    const v = await guardAsync(at, async () => {
      let lp: Tensor;
      try {
        lp = asyncReads && model.logProbAsync ? await model.logProbAsync(x) : model.logProb(x);
      } catch (err) {
        if (err instanceof OdeError) throw err;
        return 0; // a model without log-densities (e.g. flow matching from a data source): weights are checked finite on save
      }
      const l = tf.neg(tf.mean(lp));
      lp.dispose();
      const n = (await l.data())[0];
      l.dispose();
      return n;
    });
    if (!Number.isFinite(v)) diverge(at, `negative log-likelihood of the weights after the step is ${v}`);
  };
  let pending: number | undefined;

  let stopped: TrainResult['stopped'] = 'done';
  let iteration = start;
  let pool: ShardPool | undefined;
  try {
    if (workers > 1) pool = await shardPoolFactory()(model.config(), workers - 1, tf.getBackend());
    if (start === 0 || !options.resume || options.resume.dir !== dir) await checkpoint(start);
    for (iteration = start + 1; iteration <= iterations; iteration++) {
      const t0 = performance.now();
      // on webgpu: an invalid kernel or a failed allocation is only reported to an error scope
      const deviceErrors = new DeviceErrorGuard();
      deviceErrors.open();
      const x = sampler(batchSize, iteration);
      try {
        let info: LossInfo = {};
        let loss: number;
        let gradNorm: number;
        let flat: Tensor;
        if (pool) {
          const r = await parallelGradient(model, pool, x, workers).catch((err: unknown) => {
            if (err instanceof OdeError || (err instanceof ShardWorkerError && err.ode)) {
              diverge(iteration, `ODE solver failed (${firstClause(err as Error)})`);
            }
            throw err;
          });
          ({ loss, info } = r);
          gradNorm = Math.sqrt(r.grads.reduce((a, g) => a + g * g, 0));
          if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
            diverge(iteration, Number.isFinite(loss) ? `gradient norm is ${gradNorm}` : `loss is ${loss}`);
          }
          flat = tf.tensor1d(r.grads, 'float32');
        } else {
          let value: Tensor;
          let grads: Tensor[];
          let reads: Record<string, Tensor> = {};
          // reads 'async': the model's own read-free gradient (a CNF's adjoint), else phase one of
          // a read-free step (the model's choices, made with async reads)
          const own = ownGradientsAsync ? await guardAsync(iteration, () => ownGradientsAsync(x)) : undefined;
          const pass =
            !own && trainPassAsync ? await guardAsync(iteration, () => trainPassAsync(x)) : undefined;
          try {
            if (own) ({ loss: value, grads, info } = own);
            else if (pass) {
              const r = tf.variableGrads(() => {
                const out = pass.loss();
                info = out.info;
                reads = out.reads;
                return out.loss as tf.Scalar;
              }, params as tf.Variable[]);
              value = r.value;
              grads = params.map((p) => r.grads[p.name]);
            } else ({ value, grads, info } = lossAndGradients(model, x, params));
          } catch (err) {
            // a throwing forward or backward pass leaves tfjs's tape (and its saved tensors) behind
            releaseTape();
            tf.dispose(Object.values(reads));
            if (err instanceof OdeError) diverge(iteration, `ODE solver failed (${firstClause(err)})`);
            throw err;
          } finally {
            pass?.dispose();
          }
          for (const [k, t] of Object.entries(reads)) {
            info[k] = (await t.data())[0];
            t.dispose();
          }
          flat = flatten(grads);
          tf.dispose(grads);
          const sq = tf.tidy(() => tf.sum(tf.square(flat)));
          loss = (await value.data())[0];
          gradNorm = Math.sqrt((await sq.data())[0]);
          tf.dispose([value, sq]);
          const deviceError = await deviceErrors.close();
          if (deviceError !== null) {
            flat.dispose();
            throw new Error(
              `train: the WebGPU device reported an error during iteration ${iteration} (${deviceError.split('\n')[0]}); ` +
                'its numbers cannot be trusted, so training stops before this step is applied',
            );
          }
          if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
            flat.dispose();
            diverge(iteration, Number.isFinite(loss) ? `gradient norm is ${gradNorm}` : `loss is ${loss}`);
          }
        }
        // the weights a deferred checkpoint holds just gave a finite loss: save them now
        if (pending !== undefined) {
          await checkpoint(pending);
          pending = undefined;
        }
        optimizer.step(params, flat);
        flat.dispose();
        const seconds = (performance.now() - t0) / 1000;
        const record: IterationRecord = {
          iteration,
          loss,
          gradNorm,
          info: { ...info },
          seconds,
          elapsed: elapsedBefore + (performance.now() - started) / 1000,
        };
        if (testData && (iteration % evalEvery === 0 || iteration === iterations)) {
          const evalBatch = options.evalBatch ?? 1000;
          const ev = asyncReads
            ? await guardAsync(iteration, () => evaluateAsync(model, testData, evalBatch))
            : guard(iteration, () => evaluate(model, testData, evalBatch));
          if (!Number.isFinite(ev.nll)) diverge(iteration, `held-out NLL after the step is ${ev.nll}`);
          record.testNll = ev.nll;
          if (ev.bitsPerDim !== undefined) record.testBpd = ev.bitsPerDim;
        }
        history.push(record);
        progress?.update(record);
        // A checkpoint holds the weights after this step, so their loss is checked finite first:
        // by the held-out NLL just computed, else by the next iteration's loss (the save waits
        // until then), or at the end by the log-likelihood of this batch.
        const due = iteration % checkpointEvery === 0 || iteration === iterations;
        const last = iteration === iterations;
        if (due && dir) {
          if (record.testNll !== undefined) await checkpoint(iteration);
          else if (last) {
            await checkStepped(iteration, x);
            await checkpoint(iteration);
          } else pending = iteration;
        }
        if ((await options.onIteration?.(record, model)) === false) {
          stopped = 'callback';
          if (dir && checkpointIteration !== iteration) {
            if (record.testNll === undefined) await checkStepped(iteration, x);
            await checkpoint(iteration);
          }
          pending = undefined;
          break;
        }
      } finally {
        x.dispose();
        await deviceErrors.close();
      }
    }
  } finally {
    progress?.done();
    optimizer.dispose();
    await pool?.close();
    if (ownTest) testData?.dispose();
  }
  const last = [...history].reverse().find((r) => r.testNll !== undefined);
  return {
    history,
    iteration: Math.min(iteration, iterations),
    testNll: last?.testNll,
    testBpd: last?.testBpd,
    seconds: (performance.now() - started) / 1000,
    stopped,
  };
}
