/**
 * The playground's one door into the library: everything it uses from odeflow comes through
 * this file, so that a change of the library's layout changes this file only. It imports the
 * modules it needs one by one rather than `src/index.ts`, because the package root still pulls
 * Node-only modules (node:fs, node:os, node:module) into a browser bundle.
 */
import { ADAPTIVE_METHODS, FIXED_METHODS, isAdaptive } from '../../solvers/methods.js';
import { solveIvp } from '../../solvers/odeint.js';
import { type Tensor, tf } from '../../solvers/tf.js';
import type { OdeintOptions } from '../../solvers/types.js';
import { CNF } from '../../src/cnf/index.js';
import { parseCsv } from '../../src/data/csv.js';
import { Rng } from '../../src/data/rng.js';
import { isToyName, type Sampler, toyNames, toySampler, toySpec } from '../../src/data/toy.js';
import {
  type FlowMatchingConfig,
  FlowMatchingModel,
  flowMatchingFromConfig,
} from '../../src/flowmatch/model.js';
import { OBJECTIVES } from '../../src/flowmatch/objective.js';
import { Chain } from '../../src/flows/bijectors/chain.js';
import { FlowModel } from '../../src/flows/flow-model.js';
import '../../src/flows/register.js';
import type { DensityModel, LossInfo, ModelConfig } from '../../src/model.js';
import { modelFromConfig, registeredKinds, registerModel } from '../../src/registry.js';
import { AdamW } from '../../src/train/adamw.js';
import { meanNll } from '../../src/train/evaluate.js';
import { gridLogProb } from '../../src/train/grid.js';
import { MODEL_TABLE } from '../../src/train/models.js';
import { patchWasmMatMul } from '../../src/wasm-matmul.js';

// src/flowmatch/index.ts registers this kind, but it also pulls the Node-only training loop
if (!registeredKinds().includes('flow-matching')) registerModel('flow-matching', flowMatchingFromConfig);

export type { DensityModel, LossInfo, ModelConfig, Sampler, Tensor };
export {
  AdamW,
  gridLogProb,
  isToyName,
  meanNll,
  modelFromConfig,
  OBJECTIVES,
  parseCsv,
  patchWasmMatMul,
  Rng,
  tf,
  toyNames,
  toySampler,
  toySpec,
};

/** ODE methods: adaptive ones take a tolerance, fixed ones a step size. */
export const METHODS = {
  adaptive: Object.keys(ADAPTIVE_METHODS),
  fixed: Object.keys(FIXED_METHODS),
  isAdaptive,
};

/** Model kinds the playground offers (those registered in this build of the library). */
export function discreteKinds(): string[] {
  return ['realnvp', 'glow', 'maf', 'nsf'].filter((k) => registeredKinds().includes(k));
}

/** A fresh model of `kind` from the library's model table defaults, then `options`. */
export function createModel(kind: string, options: Record<string, unknown>): DensityModel {
  return modelFromConfig({ ...(MODEL_TABLE[kind]?.defaults ?? {}), ...options, kind });
}

/** The training loss of one batch, with its info (NFE etc.). */
export function trainLoss(model: DensityModel, x: Tensor): { loss: Tensor; info: LossInfo } {
  return model.trainLoss(x);
}

/** Frees a model's variables. */
export function disposeModel(model: DensityModel): void {
  const m = model as { dispose?: () => void };
  if (m.dispose) m.dispose();
  else tf.dispose(model.params as tf.Variable[]);
}

/**
 * Paths of `n` points from the base N(0, I) to the data, `[steps, n, 2]`: the ODE solution for
 * a CNF or flow-matching field; for a discrete flow, the points after each inverse layer (then
 * `steps` is the number of layers + 1). `NFE` of the solve when there is one.
 */
export function flowPaths(model: DensityModel, n: number, steps: number, seed: number): Tensor {
  if (model instanceof CNF) return model.trajectories(n, { steps, seed });
  if (model instanceof FlowMatchingModel) {
    const cfg = model.config() as FlowMatchingConfig;
    return tf.tidy(() => {
      const x0 = model.sourceSample(n, seed);
      const ts = Array.from({ length: steps }, (_, i) => i / (steps - 1));
      const { ys } = solveIvp(model.field, x0, ts, cfg.eval as OdeintOptions);
      return ys;
    });
  }
  if (model instanceof FlowModel && model.bijector instanceof Chain) {
    const bs = model.bijector.bijectors;
    return tf.tidy(() => {
      let h = tf.randomNormal([n, model.dim], 0, 1, 'float32', seed);
      const rows = [h];
      for (let i = bs.length - 1; i >= 0; i--) {
        h = bs[i].inverse(h).x;
        rows.push(h);
      }
      return tf.stack(rows);
    });
  }
  return tf.tidy(() => {
    const z = tf.randomNormal([n, model.dim], 0, 1, 'float32', seed);
    return tf.stack([z, model.sample(n, seed)]);
  });
}
