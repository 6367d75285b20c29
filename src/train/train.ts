import { type Tensor, tf } from '../../solvers/tf.js';
import { ready } from '../backend.js';
import type { Sampler } from '../data/toy.js';
import type { DensityModel, LossInfo } from '../model.js';
import { AdamW, type AdamWOptions } from './adamw.js';
import type { Checkpoint } from './checkpoint.js';
import { checkpointWriter } from './checkpoint-writer.js';
import { evaluate } from './evaluate.js';
import type { IterationRecord } from './history.js';
import { Progress, type ProgressSink } from './progress.js';

/** Options of {@link train}. */
export interface TrainOptions extends AdamWOptions {
  /** Total iterations (a resumed run counts the ones already done). Default 1000. */
  iterations?: number;
  /** Points per batch. Default 100. */
  batchSize?: number;
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
   * Called after every iteration (after evaluation and checkpointing), e.g. to update a notebook
   * plot. Returning `false` (or a promise of it) stops training after this iteration.
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

/** Thrown when the loss or its gradient becomes NaN/Inf. The weights of that step were not applied. */
export class TrainingDivergedError extends Error {
  override name = 'TrainingDivergedError';
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

function sinkOf(progress: TrainOptions['progress']): ProgressSink | undefined {
  if (progress === false) return undefined;
  if (progress === undefined || progress === true) {
    // the console where there is no process (browsers)
    return globalThis.process?.stderr ?? { write: (s: string) => console.log(s.trimEnd()) };
  }
  return progress;
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
 */
export async function train(
  model: DensityModel,
  sampler: Sampler,
  options: TrainOptions = {},
): Promise<TrainResult> {
  await ready();
  const iterations = options.iterations ?? 1000;
  const batchSize = options.batchSize ?? 100;
  const evalEvery = options.evalEvery ?? 100;
  const checkpointEvery = options.checkpointEvery ?? (evalEvery > 0 ? evalEvery : 100);
  const dir = options.checkpointDir;
  const started = performance.now();
  const params = model.params;

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

  let stopped: TrainResult['stopped'] = 'done';
  let iteration = start;
  try {
    if (start === 0 || !options.resume || options.resume.dir !== dir) await checkpoint(start);
    for (iteration = start + 1; iteration <= iterations; iteration++) {
      const t0 = performance.now();
      const x = sampler(batchSize, iteration);
      let info: LossInfo = {};
      const { value, grads } = tf.variableGrads(() => {
        const out = model.trainLoss(x);
        info = out.info;
        return out.loss as tf.Scalar;
      }, params as tf.Variable[]);
      const gradList = params.map((p) => grads[p.name]);
      const sq = tf.tidy(() => tf.addN(gradList.map((g) => tf.sum(tf.square(g)))));
      const loss = value.dataSync()[0];
      const gradNorm = Math.sqrt(sq.dataSync()[0]);
      tf.dispose([x, value, sq]);
      if (!Number.isFinite(loss) || !Number.isFinite(gradNorm)) {
        tf.dispose(gradList);
        const what = Number.isFinite(loss) ? `gradient norm is ${gradNorm}` : `loss is ${loss}`;
        const kept =
          checkpointIteration === undefined
            ? 'no checkpoint was written'
            : `the last good checkpoint (iteration ${checkpointIteration}) in '${dir}' is kept`;
        const message =
          `training stopped at iteration ${iteration}: the ${what}; this step was not applied and ${kept}. ` +
          'Try a smaller --lr, tighter solver tolerances, or more weight decay.';
        progress?.note(message);
        throw new TrainingDivergedError(message, iteration, history, checkpointIteration);
      }
      optimizer.step(params, gradList);
      tf.dispose(gradList);
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
        const ev = evaluate(model, testData, options.evalBatch ?? 1000);
        record.testNll = ev.nll;
        if (ev.bitsPerDim !== undefined) record.testBpd = ev.bitsPerDim;
      }
      history.push(record);
      progress?.update(record);
      if (iteration % checkpointEvery === 0 || iteration === iterations) await checkpoint(iteration);
      if ((await options.onIteration?.(record, model)) === false) {
        stopped = 'callback';
        if (iteration % checkpointEvery !== 0) await checkpoint(iteration);
        break;
      }
    }
  } finally {
    progress?.done();
    optimizer.dispose();
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
