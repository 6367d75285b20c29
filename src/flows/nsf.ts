import { chain } from '../core/chain.js';
import { FlowModel } from '../core/flow-model.js';
import { Rng } from '../data/rng.js';
import type { ModelConfig } from '../model.js';
import type { Bijector } from './bijector.js';
import { permutation } from './bijectors/permutation.js';
import { SplineAutoregressive } from './bijectors/spline-autoregressive.js';
import { SplineCoupling } from './bijectors/spline-coupling.js';
import { checkImageShape, type ImageOptions, multiScaleImageModel } from './image.js';
import { halfMask } from './masks.js';
import { multiScaleCouplings } from './multiscale-couplings.js';

/** Options of {@link nsf}. Every field has a default. */
export interface NsfOptions extends ImageOptions {
  /** Data dimension for vector data. Default 2 (ignored with `imageShape`). */
  readonly dim?: number;
  /** `'coupling'` (RQ-NSF (C), default) or `'autoregressive'` (RQ-NSF (AR), vector data only). */
  readonly form?: 'coupling' | 'autoregressive';
  /** Spline layers (vector data) / couplings per half-level (images). Default 4 / 2. */
  readonly layers?: number;
  /** Hidden widths of each conditioner. Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** Spline bins K. Default 8. */
  readonly bins?: number;
  /** Splines act on [−B, B], identity outside (linear tails). Default 5. */
  readonly tailBound?: number;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/**
 * Neural spline flow (Durkan et al. 2019) with rational-quadratic splines and linear tails.
 * Vector data: `layers` spline couplings with alternating half-split masks, or `layers`
 * autoregressive spline layers with order reversal between them. Images (`imageShape`, coupling
 * form): RealNVP's multi-scale layout with spline couplings (checkerboard, squeeze, channel) after
 * dequantization and logit preprocessing.
 *
 * @param opts Model options, all optional; see {@link NsfOptions}.
 *
 * @example
 * const flow = nsf({ dim: 2, layers: 4 });
 * await train(flow, toySampler('checkerboard'), { iterations: 1000 });
 */
export function nsf(opts: NsfOptions = {}): FlowModel {
  const seed = opts.seed ?? 0;
  const seeds = new Rng(seed);
  const hidden = opts.hidden ?? [64, 64];
  const bins = opts.bins ?? 8;
  const tailBound = opts.tailBound ?? 5;
  const form = opts.form ?? 'coupling';
  if (form !== 'coupling' && form !== 'autoregressive')
    throw new Error(`nsf: form = '${form}'; expected 'coupling' or 'autoregressive'`);
  const spline = { hidden, bins, tailBound };
  if (!opts.imageShape) {
    const dim = opts.dim ?? 2;
    const layers = opts.layers ?? 4;
    const bs: Bijector[] = [];
    for (let i = 0; i < layers; i++) {
      if (form === 'coupling') {
        bs.push(new SplineCoupling({ mask: halfMask(dim, (i % 2) as 0 | 1), ...spline, seed: seeds.seed() }));
      } else {
        if (i > 0) bs.push(permutation(dim, 'reverse'));
        bs.push(new SplineAutoregressive(dim, { ...spline, seed: seeds.seed() }));
      }
    }
    const config: ModelConfig = {
      kind: 'nsf',
      form,
      dim,
      layers,
      hidden: [...hidden],
      bins,
      tailBound,
      seed,
    };
    return new FlowModel({ bijector: chain(bs), dim, config });
  }
  if (form !== 'coupling') throw new Error("nsf: images (imageShape) need form 'coupling'");
  const shape0 = opts.imageShape;
  const levels = opts.levels ?? 2;
  const layers = opts.layers ?? 2;
  checkImageShape(shape0, levels - 1, 'nsf');
  const { levelBs, shapes } = multiScaleCouplings(
    shape0,
    levels,
    layers,
    (mask) => new SplineCoupling({ mask, ...spline, seed: seeds.seed() }),
  );
  const config: ModelConfig = {
    kind: 'nsf',
    form,
    levels,
    layers,
    hidden: [...hidden],
    bins,
    tailBound,
    seed,
  };
  return multiScaleImageModel({ ...opts, imageShape: shape0 }, levelBs, shapes, seeds.seed(), config);
}
