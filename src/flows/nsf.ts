import { chain } from '../core/chain.js';
import { FlowModel } from '../core/flow-model.js';
import type { ModelConfig } from '../model.js';
import type { Bijector } from './bijector.js';
import { permutation } from './bijectors/permutation.js';
import { SplineAutoregressive } from './bijectors/spline-autoregressive.js';
import { SplineCoupling } from './bijectors/spline-coupling.js';
import { Squeeze } from './bijectors/squeeze.js';
import { checkImageShape, type ImageOptions, multiScaleImageModel } from './image.js';
import { SeedStream } from './init.js';
import { channelMask, checkerboardMask, halfMask } from './masks.js';

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
  const seeds = new SeedStream(seed);
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
        bs.push(new SplineCoupling({ mask: halfMask(dim, (i % 2) as 0 | 1), ...spline, seed: seeds.next() }));
      } else {
        if (i > 0) bs.push(permutation(dim, 'reverse'));
        bs.push(new SplineAutoregressive(dim, { ...spline, seed: seeds.next() }));
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
  const levelBs: Bijector[] = [];
  const shapes: [number, number, number][] = [];
  let s: [number, number, number] = [shape0[0], shape0[1], shape0[2]];
  for (let l = 0; l < levels; l++) {
    const last = l + 1 === levels;
    const bs: Bijector[] = [];
    for (let i = 0; i < (last ? layers + 1 : layers); i++)
      bs.push(
        new SplineCoupling({ mask: checkerboardMask(s, (i % 2) as 0 | 1), ...spline, seed: seeds.next() }),
      );
    if (!last) {
      bs.push(new Squeeze());
      s = [s[0] / 2, s[1] / 2, s[2] * 4];
      for (let i = 0; i < layers; i++)
        bs.push(
          new SplineCoupling({ mask: channelMask(s, (i % 2) as 0 | 1), ...spline, seed: seeds.next() }),
        );
    }
    levelBs.push(chain(bs));
    shapes.push([...s]);
    if (!last) s = [s[0], s[1], s[2] / 2];
  }
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
  return multiScaleImageModel({ ...opts, imageShape: shape0 }, levelBs, shapes, seeds.next(), config);
}
