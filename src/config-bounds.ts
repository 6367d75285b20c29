/**
 * Bounds on every value a model configuration (and so a checkpoint file) can set. A config from
 * a file is checked against these before any model is built, so that e.g. `layers: 1e9` is
 * refused at once instead of allocating for minutes.
 */
import { METHOD_NAMES } from '../solvers/options.js';
import type { ModelConfig } from './model.js';
import { ACTIVATIONS } from './nn/activations.js';
import { NOISE_KINDS } from './nn/divergence.js';
import { LAYER_KINDS } from './nn/layers.js';
import { ConfigError, check, checkInt, checkNumber, checkOneOf } from './validate.js';

/** Largest data dimension of a model. */
export const MAX_DIM = 65_536;
/** Most layers / steps / blocks / levels of one model. */
export const MAX_LAYERS = 256;
/** Widest hidden layer, and most hidden layers. */
export const MAX_WIDTH = 8192;
export const MAX_HIDDEN_LAYERS = 32;
/** Most parameters (estimated from the config) a model may have: 5e7 floats = 200 MB. */
export const MAX_PARAMS = 5e7;

type Rule = (where: string, key: string, value: unknown) => void;

const int =
  (min: number, max: number): Rule =>
  (w, k, v) =>
    checkInt(w, k, v, min, max);
const num =
  (range: Parameters<typeof checkNumber>[3]): Rule =>
  (w, k, v) =>
    checkNumber(w, k, v, range);
const oneOf =
  (choices: readonly string[]): Rule =>
  (w, k, v) =>
    checkOneOf(w, k, v, choices);
const bool: Rule = (w, k, v) => check(typeof v === 'boolean', w, k, v, 'true or false');
const widths: Rule = (w, k, v) => {
  check(
    Array.isArray(v) && v.length <= MAX_HIDDEN_LAYERS,
    w,
    k,
    v,
    `an array of at most ${MAX_HIDDEN_LAYERS} widths`,
  );
  (v as unknown[]).forEach((h, i) => {
    checkInt(w, `${k}[${i}]`, h, 1, MAX_WIDTH);
  });
};
const shape: Rule = (w, k, v) => {
  check(Array.isArray(v) && v.length === 3, w, k, v, '[height, width, channels]');
  (v as unknown[]).forEach((h, i) => {
    checkInt(w, `${k}[${i}]`, h, 1, 4096);
  });
};
const solver: Rule = (w, k, v) => {
  check(typeof v === 'object' && v !== null && !Array.isArray(v), w, k, v, 'an object of solver settings');
  checkConfigValues(v as Record<string, unknown>, w, `${k}.`);
};

/** The rule of each config key any odeflow model kind writes. Keys not listed are not checked. */
const RULES: Record<string, Rule> = {
  dim: int(1, MAX_DIM),
  layers: int(1, MAX_LAYERS),
  steps: int(1, MAX_LAYERS),
  blocks: int(1, MAX_LAYERS),
  levels: int(1, 8),
  hidden: widths,
  seed: num({ min: -(2 ** 53), max: 2 ** 53 }),
  T: num({ above: 0, max: 1e6 }),
  trainT: bool,
  fused: bool,
  warmStart: bool,
  rtol: num({ above: 0, below: 1 }),
  atol: num({ min: 0, max: 1e6 }),
  stepSize: num({ above: 0, max: 1e6 }),
  method: oneOf(METHOD_NAMES),
  kinetic: num({ min: 0, max: 1e6 }),
  jacobian: num({ min: 0, max: 1e6 }),
  sigma: num({ min: 0, max: 1e6 }),
  reg: num({ above: 0, max: 1e6 }),
  maxLogScale: num({ above: 0, max: 1e3 }),
  pixelLevels: int(2, 65_536),
  imageShape: shape,
  divergence: oneOf(['exact', 'hutchinson']),
  evalDivergence: oneOf(['exact', 'hutchinson']),
  gradient: oneOf(['backprop', 'adjoint']),
  coupling: oneOf(['exact', 'sinkhorn']),
  objective: oneOf(['cfm', 'ot-cfm', 'rectified']),
  scale: oneOf(['tanh', 'sigmoid', 'none']),
  layer: oneOf(LAYER_KINDS),
  activation: oneOf(ACTIVATIONS),
  noise: oneOf(NOISE_KINDS),
  source: (w, k, v) =>
    check(typeof v === 'string' && v.length <= 200, w, k, v, "'normal', 'custom' or a toy data set name"),
  train: solver,
  eval: solver,
  field: (w, k, v) => {
    check(typeof v === 'object' && v !== null && !Array.isArray(v), w, k, v, 'an object of field options');
    checkConfigValues(v as Record<string, unknown>, w, `${k}.`);
  },
};

function checkConfigValues(config: Record<string, unknown>, where: string, prefix: string): void {
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    RULES[key]?.(where, `${prefix}${key}`, value);
  }
}

/** A rough parameter count of a config: repeated MLPs of the listed widths around `dim`. */
export function estimateParams(config: Record<string, unknown>): number {
  const field = (config.field ?? {}) as Record<string, unknown>;
  const shapeDim = Array.isArray(config.imageShape)
    ? (config.imageShape as number[]).reduce((a, b) => a * b, 1)
    : undefined;
  const dim = Number(config.dim ?? field.dim ?? shapeDim ?? 2);
  const hidden = (config.hidden ?? field.hidden ?? [64, 64]) as number[];
  const widthsAll = [dim + 1, ...hidden, 2 * dim];
  let perLayer = 0;
  for (let i = 1; i < widthsAll.length; i++) perLayer += (widthsAll[i - 1] + 1) * widthsAll[i];
  const repeats =
    Number(config.layers ?? config.steps ?? 1) * Number(config.blocks ?? 1) * Number(config.levels ?? 1) * 2;
  return perLayer * Math.max(1, repeats);
}

/**
 * Checks every known key of a model config (nested solver settings and field options
 * included) against its bounds, and the estimated size against {@link MAX_PARAMS}. Throws
 * {@link ConfigError} naming `where` (e.g. the checkpoint file), the key, the value and the range.
 */
export function checkModelConfig(
  config: unknown,
  where: string,
  prefix = 'model.',
): asserts config is ModelConfig {
  check(
    typeof config === 'object' && config !== null && !Array.isArray(config),
    where,
    'model',
    config,
    'an object with a kind',
  );
  const c = config as Record<string, unknown>;
  check(typeof c.kind === 'string', where, `${prefix}kind`, c.kind, 'a model kind name');
  checkConfigValues(c, where, prefix);
  const n = estimateParams(c);
  if (!(n <= MAX_PARAMS)) {
    throw new ConfigError(
      where,
      'model (size)',
      `~${n.toExponential(1)} parameters`,
      `at most ${MAX_PARAMS}`,
    );
  }
}
