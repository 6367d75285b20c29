import { cnfFromConfig } from '../cnf/from-config.js';
import { FFJORD_TOY } from '../cnf/presets.js';
import { FFJORD_SOLVER } from '../cnf/solver-defaults.js';
import { flowMatchingFromConfig } from '../flowmatch/model.js';
import {
  ffjordMultiscaleFromConfig,
  glowFromConfig,
  mafFromConfig,
  niceFromConfig,
  nsfFromConfig,
  planarFromConfig,
  radialFromConfig,
  realNVPFromConfig,
} from '../flows/from-config.js';
import type { DensityModel, ModelConfig } from '../model.js';

/** One row of the model table. */
export interface ModelKindEntry {
  /** One line for `--help`. */
  readonly description: string;
  /** Config defaults for this kind when created fresh (the factory fills in anything not given). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Whether the kind takes `contextDim` (a conditional model: logProb(x, c), sample(n, c)). */
  readonly conditional: boolean;
  /** Whether the kind builds image models (takes `imageShape`, `pixelLevels`). */
  readonly images: boolean;
  /**
   * Checks a config of this kind key by key (unknown keys refused) and builds the model, fresh variables.
   *
   * @param config The configuration to check and build.
   */
  readonly create: (config: ModelConfig) => DensityModel;
}

/** A model table: kind → entry. */
export type ModelTable = Readonly<Record<string, ModelKindEntry>>;

/**
 * odeflow's model table: kind → factory, defaults and description, written out here (no
 * registration by import side effect). Checkpoints, the CLI and the contract test read it.
 * `cnf` defaults follow FFJORD's 8gaussians setting (DESIGN.md §4) — concatsquash 64-64-64,
 * tanh, T = 0.5 trainable, exact divergence, dopri5 at rtol = atol = 1e-5 — with gradients by
 * backpropagation through the solver, which on wasm is faster per iteration than the adjoint
 * (bench/cnf.ts) and exact for the discrete solve.
 */
export const MODEL_TABLE: ModelTable = {
  cnf: {
    description: 'continuous normalizing flow (FFJORD), concatsquash 64-64-64 tanh, dopri5, backprop',
    defaults: { ...FFJORD_TOY, gradient: 'backprop' },
    conditional: true,
    images: false,
    create: cnfFromConfig,
  },
  'flow-matching': {
    description: 'the CNF field trained by flow matching (--objective cfm | ot-cfm | rectified)',
    defaults: {
      hidden: [64, 64, 64],
      layer: 'concatsquash',
      activation: 'tanh',
      objective: 'ot-cfm',
      eval: FFJORD_SOLVER,
    },
    conditional: false,
    images: false,
    create: flowMatchingFromConfig,
  },
  realnvp: {
    description: 'RealNVP affine coupling flow',
    defaults: {},
    conditional: true,
    images: true,
    create: realNVPFromConfig,
  },
  glow: {
    description: 'Glow steps (ActNorm, LU linear, affine coupling)',
    defaults: {},
    conditional: false,
    images: true,
    create: glowFromConfig,
  },
  'ffjord-multiscale': {
    description:
      "FFJORD's multiscale CNF: CNF blocks / squeeze / split on images (digits), stacked blocks on vectors",
    defaults: {},
    conditional: false,
    images: true,
    create: ffjordMultiscaleFromConfig,
  },
  maf: {
    description: 'masked autoregressive flow',
    defaults: {},
    conditional: true,
    images: false,
    create: mafFromConfig,
  },
  nsf: {
    description: 'neural spline flow (rational-quadratic spline couplings, linear tails)',
    defaults: {},
    conditional: false,
    images: true,
    create: nsfFromConfig,
  },
  nice: {
    description: 'NICE additive coupling flow',
    defaults: {},
    conditional: false,
    images: false,
    create: niceFromConfig,
  },
  planar: {
    description: 'planar flow',
    defaults: {},
    conditional: false,
    images: false,
    create: planarFromConfig,
  },
  radial: {
    description: 'radial flow',
    defaults: {},
    conditional: false,
    images: false,
    create: radialFromConfig,
  },
};

/** Options every model kind accepts when created from the CLI or {@link createModel}. */
export interface CreateOptions {
  /** Data dimension. */
  dim: number;
  /** Seed of the initial weights. */
  seed?: number;
  /** Any other config keys, checked by the kind's factory. */
  readonly [key: string]: unknown;
}

/**
 * The kinds of `table`, sorted.
 *
 * @param table The model table. Default {@link MODEL_TABLE}.
 */
export function availableKinds(table: ModelTable = MODEL_TABLE): string[] {
  return Object.keys(table).sort();
}

/**
 * Rebuilds a model from its configuration; throws naming the known kinds if `kind` is unknown.
 *
 * @param config A configuration from `model.config()`.
 * @param table The model table. Default {@link MODEL_TABLE}.
 */
export function modelFromConfig(config: ModelConfig, table: ModelTable = MODEL_TABLE): DensityModel {
  const entry = Object.hasOwn(table, config.kind) ? table[config.kind] : undefined;
  if (!entry) {
    throw new Error(`unknown model kind '${config.kind}'; known kinds: ${availableKinds(table).join(', ')}`);
  }
  return entry.create(config);
}

/**
 * Creates a fresh model of `kind`: the table's defaults, then `options`, checked and built by the
 * kind's factory. Throws naming the known kinds if `kind` is not in the table.
 *
 * @param kind A kind of the table, e.g. `cnf`.
 * @param options The kind's options (dimension, widths, seed, …), over the table's defaults.
 * @param table The model table. Default {@link MODEL_TABLE}.
 */
export function createModel(
  kind: string,
  options: CreateOptions,
  table: ModelTable = MODEL_TABLE,
): DensityModel {
  const defaults = Object.hasOwn(table, kind) ? table[kind].defaults : {};
  return modelFromConfig({ ...defaults, ...options, kind }, table);
}
