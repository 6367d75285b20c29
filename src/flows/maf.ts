import { checkModelConfig } from '../config-bounds.js';
import { chain } from '../core/chain.js';
import { FlowModel } from '../core/flow-model.js';
import { Rng } from '../data/rng.js';
import { checkInt, checkOptionsObject } from '../validate.js';
import type { Bijector } from './bijector.js';
import { MafLayer } from './bijectors/maf.js';
import { permutation } from './bijectors/permutation.js';

/** Options of {@link maf}. Every field has a default. */
export interface MafOptions {
  /** Data dimension. Default 2. */
  readonly dim?: number;
  /** MAF layers, with order reversal between them. Default 5. */
  readonly layers?: number;
  /** Hidden widths of each MADE. Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** Soft bound on |log-scale|. Default 3. */
  readonly maxLogScale?: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
  /** Width C of a context `[B, C]` every MADE reads. Default 0. */
  readonly contextDim?: number;
}

/**
 * MAF (Papamakarios et al. 2017): stacked MADE-conditioned affine layers; one-pass density, sequential sampling.
 *
 * @param opts Model options, all optional; see {@link MafOptions}.
 *
 * @example
 * const flow = maf({ dim: 2, layers: 5, hidden: [64, 64] });
 * const logp = flow.logProb(toyData('moons', 100, 0)); // one pass
 * const x = flow.sample(100); // D sequential passes per layer
 */
export function maf(opts: MafOptions = {}): FlowModel {
  checkOptionsObject('maf', opts);
  checkInt('maf options', 'dim', opts.dim ?? 2, 1, 65_536);
  checkModelConfig({ ...opts, kind: 'maf' }, 'maf options', '');
  const dim = opts.dim ?? 2;
  const layers = opts.layers ?? 5;
  const hidden = opts.hidden ?? [64, 64];
  const maxLogScale = opts.maxLogScale ?? 3;
  const seed = opts.seed ?? 0;
  const seeds = new Rng(seed);
  const contextDim = opts.contextDim ?? 0;
  const bs: Bijector[] = [];
  for (let i = 0; i < layers; i++) {
    if (i > 0) bs.push(permutation(dim, 'reverse'));
    bs.push(new MafLayer(dim, { hidden, maxLogScale, seed: seeds.seed(), contextDim }));
  }
  return new FlowModel({
    bijector: chain(bs),
    dim,
    contextDim,
    config: {
      kind: 'maf',
      dim,
      layers,
      hidden: [...hidden],
      maxLogScale,
      seed,
      ...(contextDim > 0 ? { contextDim } : {}),
    },
  });
}
