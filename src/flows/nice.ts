import { checkModelConfig } from '../config-bounds.js';
import { chain } from '../core/chain.js';
import { FlowModel } from '../core/flow-model.js';
import { Rng } from '../data/rng.js';
import { checkInt, checkOptionsObject } from '../validate.js';
import type { Bijector } from './bijector.js';
import { Coupling } from './bijectors/coupling.js';
import { DiagonalScaling } from './bijectors/scaling.js';
import { halfMask } from './masks.js';

/** Options of {@link nice}. Every field has a default. */
export interface NiceOptions {
  /** Data dimension. Default 2. */
  readonly dim?: number;
  /** Additive coupling layers (alternating halves). Default 4. */
  readonly layers?: number;
  /** Hidden widths of each coupling's MLP. Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/**
 * NICE (Dinh et al. 2015): additive couplings with alternating half-split masks, then a diagonal scaling.
 *
 * @param opts Model options, all optional; see {@link NiceOptions}.
 *
 * @example
 * const flow = nice({ dim: 2, layers: 4 });
 * await train(flow, toySampler('moons'), { iterations: 500 });
 */
export function nice(opts: NiceOptions = {}): FlowModel {
  checkOptionsObject('nice', opts);
  checkInt('nice options', 'dim', opts.dim ?? 2, 2, 65_536);
  checkModelConfig({ ...opts, kind: 'nice' }, 'nice options', '');
  const dim = opts.dim ?? 2;
  const layers = opts.layers ?? 4;
  const hidden = opts.hidden ?? [64, 64];
  const seed = opts.seed ?? 0;
  const seeds = new Rng(seed);
  const bs: Bijector[] = [];
  for (let i = 0; i < layers; i++) {
    bs.push(
      new Coupling({ mask: halfMask(dim, (i % 2) as 0 | 1), hidden, scale: 'none', seed: seeds.seed() }),
    );
  }
  bs.push(new DiagonalScaling(dim));
  return new FlowModel({
    bijector: chain(bs),
    dim,
    config: { kind: 'nice', dim, layers, hidden: [...hidden], seed },
  });
}
