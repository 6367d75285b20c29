/**
 * The playground's one door into the library: everything it uses from odeflow comes through
 * this file, so that a change of the library's layout changes this file only. It imports the
 * browser-clean main entry (`src/index.ts`), plus one internal module the entry does not export.
 */
import {
  ADAPTIVE_METHODS,
  AdamW,
  availableKinds,
  Chain,
  CNF,
  csvValues,
  type DensityModel,
  FIXED_METHODS,
  type FlowMatchingConfig,
  FlowMatchingModel,
  FlowModel,
  gridLogProb,
  isToyName,
  type LossInfo,
  MODEL_TABLE,
  type ModelConfig,
  meanNll,
  modelFromConfig,
  OBJECTIVES,
  type OdeintOptions,
  Rng,
  type Sampler,
  solveIvp,
  tf,
  toyNames,
  toySampler,
  toySpec,
} from '../../src/index.js';
// the wasm kernel fixes that initBackend('wasm') applies; the page activates backends itself
// (initBackend loads webgl/webgpu by a dynamic import that a bundle cannot resolve)
import { patchWasmKernels } from '../../src/wasm/index.js';

type Tensor = tf.Tensor;

export type { DensityModel, LossInfo, ModelConfig, Sampler, Tensor };
export {
  AdamW,
  csvValues,
  gridLogProb,
  isToyName,
  meanNll,
  modelFromConfig,
  OBJECTIVES,
  patchWasmKernels,
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
  isAdaptive: (name: string): boolean => Object.hasOwn(ADAPTIVE_METHODS, name),
};

/** Discrete flow kinds the playground offers (those registered in this build of the library). */
export function discreteKinds(): string[] {
  return ['realnvp', 'glow', 'maf', 'nsf'].filter((k) => availableKinds().includes(k));
}

/** A fresh model of `kind` from the library's model table defaults, then `options`. */
export function createModel(kind: string, options: Record<string, unknown>): DensityModel {
  return modelFromConfig({ ...(MODEL_TABLE[kind]?.defaults ?? {}), ...options, kind });
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
 * the number of layers + 1 rows).
 */
export function flowPaths(model: DensityModel, n: number, steps: number, seed: number): Tensor {
  if (model instanceof CNF) return model.trajectories(n, { steps, seed });
  if (model instanceof FlowMatchingModel) {
    const cfg = model.config() as FlowMatchingConfig;
    return tf.tidy(() => {
      const x0 = model.sourceSample(n, seed);
      const ts = Array.from({ length: steps }, (_, i) => i / (steps - 1));
      return solveIvp(model.field, x0, ts, cfg.eval as OdeintOptions).ys;
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
