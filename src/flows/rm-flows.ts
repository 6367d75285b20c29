import { checkModelConfig } from '../config-bounds.js';
import { chain, invert } from '../core/chain.js';
import { FlowModel } from '../core/flow-model.js';
import { Rng } from '../data/rng.js';
import { checkOptionsObject } from '../validate.js';
import { Planar } from './bijectors/planar.js';
import { Radial } from './bijectors/radial.js';

/** Options of {@link planar} and {@link radial}. Every field has a default. */
export interface RmFlowOptions {
  /** Data dimension. Default 2. */
  readonly dim?: number;
  /** Number of layers. Default 16. */
  readonly layers?: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/**
 * Planar flow (Rezende & Mohamed 2015): x = f_K ∘ … ∘ f_1(z), z ~ N(0, I). Sampling uses the
 * closed form; `logProb` of data inverts each layer by safeguarded Newton/bisection.
 *
 * @param opts Model options, all optional; see {@link RmFlowOptions}.
 *
 * @example
 * const flow = planar({ dim: 2, layers: 16 });
 * const x = flow.sample(500); // closed form: no root finding when sampling
 */
export function planar(opts: RmFlowOptions = {}): FlowModel {
  checkOptionsObject('planar', opts);
  checkModelConfig({ ...opts, kind: 'planar' }, 'planar options', '');
  const dim = opts.dim ?? 2;
  const layers = opts.layers ?? 16;
  const seed = opts.seed ?? 0;
  const seeds = new Rng(seed);
  const gen = chain(Array.from({ length: layers }, () => new Planar(dim, seeds.seed())));
  return new FlowModel({ bijector: invert(gen), dim, config: { kind: 'planar', dim, layers, seed } });
}

/**
 * Radial flow (Rezende & Mohamed 2015); like {@link planar}, the inverse solves for the radius.
 *
 * @param opts Model options, all optional; see {@link RmFlowOptions}.
 *
 * @example
 * const flow = radial({ dim: 2, layers: 16 });
 * const logp = flow.logProb(toyData('circles', 100, 0)); // [100]
 */
export function radial(opts: RmFlowOptions = {}): FlowModel {
  checkOptionsObject('radial', opts);
  checkModelConfig({ ...opts, kind: 'radial' }, 'radial options', '');
  const dim = opts.dim ?? 2;
  const layers = opts.layers ?? 16;
  const seed = opts.seed ?? 0;
  const seeds = new Rng(seed);
  const gen = chain(Array.from({ length: layers }, () => new Radial(dim, seeds.seed())));
  return new FlowModel({ bijector: invert(gen), dim, config: { kind: 'radial', dim, layers, seed } });
}
