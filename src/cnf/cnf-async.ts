/**
 * The CNF on backends without synchronous reads (WebGPU in Node): log p(x) with every read
 * awaited, and a training loss in two phases — choose the steps asynchronously, then replay
 * them under the tape, reading nothing. A stopgap beside {@link CNF} until the density-model
 * layer carries its own async methods (exact divergence, no regularizers, backprop gradient).
 */

import type { SolvePlan } from '../../solvers/plan.js';
import { replayIvp, solveIvpAsync } from '../../solvers/solve-ivp-async.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeFunc, OdeintOptions } from '../../solvers/types.js';
import type { CNF } from './cnf.js';
import { augmentedDynamics, type StateLayout, stateLayout } from './dynamics.js';
import { fusedDynamics } from './fused.js';
import type { CnfConfig, SolverSettings } from './options.js';

/** The steps of one forward pass of every block, chosen asynchronously. */
export interface CnfPlan {
  /** End time T of each block, read when the plan was made. */
  readonly endTimes: readonly number[];
  /** One solve plan per block. */
  readonly solves: readonly SolvePlan[];
}

const NO_REGS = { kinetic: false, jacobian: false };

function checkSupported(cnf: CNF, cfg: CnfConfig, phase: 'train' | 'eval'): void {
  const div = phase === 'train' ? cfg.divergence : cfg.evalDivergence;
  const bad: string[] = [];
  if (div !== 'exact') bad.push(`${phase === 'train' ? 'divergence' : 'evalDivergence'} '${div}'`);
  if (phase === 'train' && (cfg.kinetic > 0 || cfg.jacobian > 0)) bad.push('kinetic/jacobian regularizers');
  if (phase === 'train' && cfg.gradient !== 'backprop') bad.push(`gradient '${cfg.gradient}'`);
  if (bad.length > 0) {
    throw new Error(
      `the async CNF path supports exact divergence and backprop only; this CNF has ${bad.join(', ')}`,
    );
  }
  if (cnf.fields.length !== cnf.sqrtEndTimes.length)
    throw new Error('CNF blocks and end times differ in number');
}

function solverOptions(s: SolverSettings): OdeintOptions {
  const o: OdeintOptions = { method: s.method, rtol: s.rtol, atol: s.atol };
  if (s.stepSize !== undefined) o.stepSize = s.stepSize;
  return o;
}

/** Block i's augmented dynamics as the CNF builds them (the fused op when the field allows it). */
function blockDynamics(cnf: CNF, cfg: CnfConfig, i: number, layout: StateLayout): OdeFunc {
  const fused = cfg.fused ? fusedDynamics(cnf.fields[i], layout, null) : null;
  return fused ? fused.F : augmentedDynamics(cnf.fields[i], layout, null).F;
}

/** [x, 0]: the packed state [B, D + 1] (x and the log-det accumulator). */
function packed(x: Tensor, layout: StateLayout): Tensor {
  return tf.pad(x, [
    [0, 0],
    [0, layout.width - layout.dim],
  ]);
}

function lastRow(ys: Tensor, shape: number[]): Tensor {
  return tf.reshape(tf.slice(ys, [ys.shape[0] - 1, 0, 0], [1, -1, -1]), shape);
}

/** log N(z) + log|det|, from the packed end state. */
function logProbOf(cnf: CNF, y: Tensor, layout: StateLayout): Tensor {
  const z = tf.slice(y, [0, 0], [-1, layout.dim]);
  return tf.sub(cnf.baseLogProb(z), tf.reshape(tf.slice(y, [0, layout.logdet], [-1, 1]), [-1]));
}

/**
 * Runs `fn` in a tfjs scope that spans its awaits (tf.tidy cannot): every tensor it creates and
 * does not return is disposed when it settles. Tensors other code creates meanwhile would land
 * in this scope too, so the async CNF path runs one call at a time.
 */
async function scoped<T extends Tensor>(fn: () => Promise<T>): Promise<T> {
  const engine = tf.engine();
  engine.startScope();
  let result: T | undefined;
  try {
    result = await fn();
    return result;
  } finally {
    engine.endScope(result);
  }
}

async function endTimes(cnf: CNF): Promise<number[]> {
  return Promise.all(cnf.sqrtEndTimes.map(async (s) => (await s.data())[0] ** 2));
}

/**
 * log p(x), [B], like {@link CNF.logProb} (evaluation solver settings), with every read awaited:
 * the end times and each step's error norm. Never calls dataSync.
 */
export async function cnfLogProbAsync(cnf: CNF, x: Tensor): Promise<Tensor> {
  const cfg = cnf.config();
  checkSupported(cnf, cfg, 'eval');
  const layout = stateLayout(cnf.dim, NO_REGS);
  const Ts = await endTimes(cnf);
  return scoped(async () => {
    let y = packed(x, layout);
    for (let i = 0; i < cnf.fields.length; i++) {
      const F = blockDynamics(cnf, cfg, i, layout);
      const { ys } = await solveIvpAsync(F, y, [0, Ts[i]], solverOptions(cfg.eval));
      y = lastRow(ys, [x.shape[0], layout.width]);
    }
    return logProbOf(cnf, y, layout);
  });
}

/**
 * Chooses the training solve's steps for a batch asynchronously (training solver settings): the
 * first phase of a read-free training step; {@link cnfTrainLossReplay} is the second.
 */
export async function cnfTrainPlanAsync(cnf: CNF, x: Tensor): Promise<CnfPlan> {
  const cfg = cnf.config();
  checkSupported(cnf, cfg, 'train');
  const layout = stateLayout(cnf.dim, NO_REGS);
  const Ts = await endTimes(cnf);
  const solves: SolvePlan[] = [];
  const end = await scoped(async () => {
    let y = packed(x, layout);
    for (let i = 0; i < cnf.fields.length; i++) {
      const F = blockDynamics(cnf, cfg, i, layout);
      const { ys, plan } = await solveIvpAsync(F, y, [0, Ts[i]], solverOptions(cfg.train));
      solves.push(plan);
      y = lastRow(ys, [x.shape[0], layout.width]);
    }
    return y;
  });
  end.dispose();
  return { endTimes: Ts, solves };
}

/**
 * y(T) with the gradient of a trainable end time T = s², reading nothing: its value is y(T), its
 * derivative in s is F(T, y(T))·2s (what {@link CNF}'s end-time gradient gives).
 */
function withEndTimeGradientNoRead(F: OdeFunc, yT: Tensor, s: tf.Variable, T: number): Tensor {
  const op = tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [y, sv, save] = args as [Tensor, Tensor, tf.GradSaveFunc];
    const rate = tf.tidy(() => F(T, y));
    save([rate, sv]);
    return {
      value: tf.clone(y),
      gradFunc: (dy: Tensor, saved: Tensor[]) => [
        dy,
        tf.mul(tf.sum(tf.mul(dy, saved[0])), tf.mul(saved[1], 2)),
      ],
    };
  });
  return op(yT, s);
}

/**
 * The mean negative log-likelihood of {@link CNF.trainLoss} (exact divergence, no regularizers),
 * computed by replaying `plan` — synchronous and free of reads, so it can run under
 * `tf.variableGrads` on WebGPU. Its gradient equals that of `cnf.trainLoss` for the same steps.
 */
export function cnfTrainLossReplay(cnf: CNF, x: Tensor, plan: CnfPlan): Tensor {
  const cfg = cnf.config();
  checkSupported(cnf, cfg, 'train');
  const layout = stateLayout(cnf.dim, NO_REGS);
  return tf.tidy(() => {
    let y = packed(x, layout);
    for (let i = 0; i < cnf.fields.length; i++) {
      const F = blockDynamics(cnf, cfg, i, layout);
      y = lastRow(replayIvp(F, y, plan.solves[i]).ys, [x.shape[0], layout.width]);
      if (cfg.trainT) y = withEndTimeGradientNoRead(F, y, cnf.sqrtEndTimes[i], plan.endTimes[i]);
    }
    return tf.neg(tf.mean(logProbOf(cnf, y, layout)));
  });
}
