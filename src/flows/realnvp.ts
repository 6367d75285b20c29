import { checkModelConfig } from '../config-bounds.js';
import { chain } from '../core/chain.js';
import { FlowModel } from '../core/flow-model.js';
import { Rng } from '../data/rng.js';
import type { ModelConfig } from '../model.js';
import { checkInt, checkOptionsObject } from '../validate.js';
import type { Bijector } from './bijector.js';
import { Coupling, type ScaleBound } from './bijectors/coupling.js';
import { checkImageShape, type ImageOptions, multiScaleImageModel } from './image.js';
import { halfMask } from './masks.js';
import { multiScaleCouplings } from './multiscale-couplings.js';

/** Options of {@link realNVP}. Every field has a default. */
export interface RealNVPOptions extends ImageOptions {
  /** Data dimension for vector data. Default 2 (ignored with `imageShape`). */
  readonly dim?: number;
  /** Number of coupling layers (vector data) / couplings per half-level (images). Default 8 / 3. */
  readonly layers?: number;
  /** Hidden widths of each coupling's MLP. Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** Scale bound of the affine couplings. Default `'tanh'`. */
  readonly scale?: ScaleBound;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
  /** Width C of a context `[B, C]` every coupling's conditioner reads (vector data). Default 0. */
  readonly contextDim?: number;
}

/**
 * RealNVP (Dinh et al. 2017). Vector data: `layers` affine couplings with alternating half-split
 * masks. Images (`imageShape`): the multi-scale layout of `multiScaleCouplings` (multiscale-couplings.ts) with affine
 * couplings, preceded by dequantization and logit preprocessing.
 *
 * @param opts Dimension, number of coupling layers, hidden widths, masks, seed, and for images `imageShape`: see {@link RealNVPOptions}.
 * @example
 * const flow = realNVP({ dim: 2, layers: 8 });
 * const logp = flow.logProb(toyData('moons', 100, 0));
 */
export function realNVP(opts: RealNVPOptions = {}): FlowModel {
  checkOptionsObject('realNVP', opts);
  if (!opts.imageShape) checkInt('realNVP options', 'dim', opts.dim ?? 2, 2, 65_536);
  checkModelConfig({ ...opts, kind: 'realnvp' }, 'realNVP options', '');
  const seed = opts.seed ?? 0;
  const seeds = new Rng(seed);
  const hidden = opts.hidden ?? [64, 64];
  const scale = opts.scale ?? 'tanh';
  if (!opts.imageShape) {
    const dim = opts.dim ?? 2;
    const layers = opts.layers ?? 8;
    const contextDim = opts.contextDim ?? 0;
    const bs: Bijector[] = [];
    for (let i = 0; i < layers; i++) {
      bs.push(
        new Coupling({
          mask: halfMask(dim, (i % 2) as 0 | 1),
          hidden,
          scale,
          seed: seeds.seed(),
          contextDim,
        }),
      );
    }
    const config: ModelConfig = {
      kind: 'realnvp',
      dim,
      layers,
      hidden: [...hidden],
      scale,
      seed,
      ...(contextDim > 0 ? { contextDim } : {}),
    };
    return new FlowModel({ bijector: chain(bs), dim, contextDim, config });
  }
  if (opts.contextDim)
    throw new Error('realNVP: contextDim is for vector data; image models are unconditional');
  const shape0 = opts.imageShape;
  const levels = opts.levels ?? 2;
  const layers = opts.layers ?? 3;
  checkImageShape(shape0, levels - 1, 'realNVP');
  const { levelBs, shapes } = multiScaleCouplings(
    shape0,
    levels,
    layers,
    (mask) => new Coupling({ mask, hidden, scale, seed: seeds.seed() }),
  );
  const config: ModelConfig = { kind: 'realnvp', levels, layers, hidden: [...hidden], scale, seed };
  return multiScaleImageModel({ ...opts, imageShape: shape0 }, levelBs, shapes, seeds.seed(), config);
}
