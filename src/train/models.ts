import { FFJORD_TOY } from '../cnf/presets.js';
import type { DensityModel, ModelConfig } from '../model.js';
import { modelFromConfig, registeredKinds } from '../registry.js';

/** Modules that register odeflow's own model kinds when imported (tried in order). */
const MODEL_MODULES = ['../cnf/index.js', '../flows/index.js', '../flowmatch/index.js'] as const;

let loading: Promise<void> | undefined;

function isMissing(err: unknown, spec: string): boolean {
  const e = err as { code?: string; message?: string };
  const name = spec.replace(/^\.\.\//, '').replace(/\.js$/, '');
  return (
    (e.code === 'ERR_MODULE_NOT_FOUND' || /Cannot find module|Failed to load url/.test(e.message ?? '')) &&
    (e.message ?? '').includes(name.split('/')[0])
  );
}

/**
 * Imports odeflow's model modules (CNF, discrete flows) so that their kinds are registered.
 * A module that does not exist (yet) is skipped; one that fails to load for another reason throws.
 */
export function loadModelKinds(): Promise<void> {
  loading ??= (async () => {
    for (const spec of MODEL_MODULES) {
      try {
        await import(spec);
      } catch (err) {
        if (!isMissing(err, spec)) throw err;
      }
    }
  })();
  return loading;
}

/** Options every model kind accepts when created from the CLI or {@link createModel}. */
export interface CreateOptions {
  /** Data dimension. */
  dim: number;
  /** Seed of the initial weights. */
  seed?: number;
  /** Any other config keys, passed to the kind's factory. */
  readonly [key: string]: unknown;
}

/** One row of the model table: defaults layered under the caller's options. */
export interface ModelKindEntry {
  /** One line for `--help`. */
  description: string;
  /** Config defaults for this kind (the kind's factory fills in anything not given). */
  defaults: Record<string, unknown>;
}

/**
 * odeflow's model table: kind → defaults. `cnf` defaults follow FFJORD's 8gaussians setting
 * (DESIGN.md §4): concatsquash 64-64-64, tanh, T = 0.5 trainable, exact divergence, dopri5 with
 * rtol = atol = 1e-5 — but gradients by backpropagation through the solver, which on wasm is
 * faster per iteration than the adjoint (bench/cnf.ts) and exact for the discrete solve. Kinds registered by other code but not listed here are created
 * from `{ kind, ...options }` alone.
 */
export const MODEL_TABLE: Record<string, ModelKindEntry> = {
  cnf: {
    description: 'continuous normalizing flow (FFJORD), concatsquash 64-64-64 tanh, dopri5, backprop',
    defaults: { ...FFJORD_TOY, gradient: 'backprop' },
  },
  'flow-matching': {
    description: 'the CNF field trained by flow matching (--objective cfm | ot-cfm | rectified)',
    defaults: { hidden: [64, 64, 64], layer: 'concatsquash', activation: 'tanh', objective: 'ot-cfm' },
  },
  realnvp: { description: 'RealNVP affine coupling flow', defaults: {} },
  glow: { description: 'Glow steps (ActNorm, LU linear, affine coupling)', defaults: {} },
  maf: { description: 'masked autoregressive flow', defaults: {} },
  nsf: {
    description: 'neural spline flow (rational-quadratic spline couplings, linear tails)',
    defaults: {},
  },
  nice: { description: 'NICE additive coupling flow', defaults: {} },
  planar: { description: 'planar flow', defaults: {} },
  radial: { description: 'radial flow', defaults: {} },
};

/** Kinds that can be created now (the table's and any registered), sorted. */
export async function availableKinds(): Promise<string[]> {
  await loadModelKinds();
  return registeredKinds();
}

/**
 * Creates a fresh model of `kind`: the table's defaults, then `options`, passed as a config to
 * the kind's registered factory. Throws naming the available kinds if `kind` is not registered.
 */
export async function createModel(kind: string, options: CreateOptions): Promise<DensityModel> {
  if (!registeredKinds().includes(kind)) await loadModelKinds();
  const config: ModelConfig = { ...(MODEL_TABLE[kind]?.defaults ?? {}), ...options, kind };
  return modelFromConfig(config);
}
