/**
 * The CNF on backends without synchronous reads (WebGPU in Node): log p(x) with every read
 * awaited (the model's own async path), and a training loss in two phases — choose the steps
 * asynchronously ({@link CnfBlock.planAsync}), then replay them under the tape, reading nothing
 * ({@link CnfBlock.replayForward}). Exact divergence, no regularizers, backprop gradient.
 */

import type { SolvePlan } from '../../solvers/plan.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { CNF } from './cnf.js';

/** The steps of one forward pass of every block, chosen asynchronously. */
export interface CnfPlan {
  /** End time T of each block, read when the plan was made. */
  readonly endTimes: readonly number[];
  /** One solve plan per block. */
  readonly solves: readonly SolvePlan[];
}

function checkSupported(cnf: CNF, phase: 'train' | 'eval'): void {
  const cfg = cnf.config();
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

/**
 * log p(x), [B], like {@link CNF.logProb} (evaluation solver settings), with every read awaited:
 * the end times and each step's error norm ({@link CNF.logProbAsync}). Never calls dataSync.
 */
export async function cnfLogProbAsync(cnf: CNF, x: Tensor): Promise<Tensor> {
  checkSupported(cnf, 'eval');
  return cnf.logProbAsync(x);
}

/**
 * Chooses the training solve's steps for a batch asynchronously (training solver settings): the
 * first phase of a read-free training step; {@link cnfTrainLossReplay} is the second.
 */
export async function cnfTrainPlanAsync(cnf: CNF, x: Tensor): Promise<CnfPlan> {
  checkSupported(cnf, 'train');
  const endTimes: number[] = [];
  const solves: SolvePlan[] = [];
  let h = x;
  try {
    for (const block of cnf.blocks) {
      const { y, plan } = await block.planAsync(h);
      if (h !== x) h.dispose();
      h = y;
      endTimes.push(plan.T);
      solves.push(plan.solve);
    }
  } finally {
    if (h !== x) h.dispose();
  }
  return { endTimes, solves };
}

/**
 * The mean negative log-likelihood of {@link CNF.trainLoss} (exact divergence, no regularizers),
 * computed by replaying `plan` — synchronous and free of reads, so it can run under
 * `tf.variableGrads` on WebGPU. Its gradient equals that of `cnf.trainLoss` for the same steps.
 */
export function cnfTrainLossReplay(cnf: CNF, x: Tensor, plan: CnfPlan): Tensor {
  checkSupported(cnf, 'train');
  return tf.tidy(() => {
    let h = x;
    let logDet: Tensor = tf.zeros([x.shape[0]]);
    cnf.blocks.forEach((block, i) => {
      const r = block.replayForward(h, { T: plan.endTimes[i], solve: plan.solves[i] });
      h = r.y;
      logDet = tf.add(logDet, r.logDet);
    });
    return tf.neg(tf.mean(tf.add(cnf.baseLogProb(h), logDet)));
  });
}
