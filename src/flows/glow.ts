import { checkModelConfig } from '../config-bounds.js';
import { chain } from '../core/chain.js';
import { FlowModel } from '../core/flow-model.js';
import { Rng } from '../data/rng.js';
import type { ModelConfig } from '../model.js';
import { checkInt, checkOptionsObject } from '../validate.js';
import type { Bijector } from './bijector.js';
import { ActNorm } from './bijectors/actnorm.js';
import { Coupling, type ScaleBound } from './bijectors/coupling.js';
import { LuLinear } from './bijectors/lu-linear.js';
import { Squeeze } from './bijectors/squeeze.js';
import { checkImageShape, type ImageOptions, multiScaleImageModel } from './image.js';
import { channelMask, halfMask } from './masks.js';

/** Options of {@link glow}. Every field has a default. */
export interface GlowOptions extends ImageOptions {
  /** Data dimension for vector data. Default 2 (ignored with `imageShape`). */
  readonly dim?: number;
  /** Steps of flow (vector data) or per level (images). Default 4. */
  readonly steps?: number;
  /** Hidden widths of each coupling's MLP. Default [64, 64]. */
  readonly hidden?: readonly number[];
  /** Scale bound of the affine couplings. Default `'sigmoid'` (as in Glow). */
  readonly scale?: ScaleBound;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
}

/**
 * One Glow step on `channels` with a coupling mask: ActNorm → LU 1×1 conv → affine coupling.
 *
 * @param channels Number of channels C (last axis).
 * @param mask Coupling mask over the flattened event.
 * @param hidden Hidden widths of the coupling conditioner.
 * @param scale Scale bound of the coupling.
 * @param seeds Seed stream of the initial weights.
 */
export function glowStep(
  channels: number,
  mask: readonly number[],
  hidden: readonly number[],
  scale: ScaleBound,
  seeds: Rng,
): Bijector {
  return chain([
    new ActNorm(channels),
    new LuLinear(channels, seeds.seed()),
    new Coupling({ mask, hidden, scale, seed: seeds.seed() }),
  ]);
}

/**
 * Glow (Kingma & Dhariwal 2018). Vector data: `steps` Glow steps (half-split coupling, alternating).
 * Images (`imageShape`): multi-scale — per level: squeeze, `steps` steps with channel-mask
 * couplings, half the channels factored out (except after the last level); preceded by
 * dequantization and logit preprocessing. ActNorm initialises from the first batch it sees.
 *
 * @param opts Model options, all optional; see {@link GlowOptions}.
 *
 * @example
 * const flow = glow({ dim: 2, steps: 4, hidden: [64, 64] });
 * await train(flow, toySampler('2spirals'), { iterations: 400 });
 * const x = flow.sample(1000); // [1000, 2]
 */
export function glow(opts: GlowOptions = {}): FlowModel {
  checkOptionsObject('glow', opts);
  if (!opts.imageShape) checkInt('glow options', 'dim', opts.dim ?? 2, 2, 65_536);
  checkModelConfig({ ...opts, kind: 'glow' }, 'glow options', '');
  const seed = opts.seed ?? 0;
  const seeds = new Rng(seed);
  const hidden = opts.hidden ?? [64, 64];
  const scale = opts.scale ?? 'sigmoid';
  const steps = opts.steps ?? 4;
  if (!opts.imageShape) {
    const dim = opts.dim ?? 2;
    const bs = Array.from({ length: steps }, (_, i) =>
      glowStep(dim, halfMask(dim, (i % 2) as 0 | 1), hidden, scale, seeds),
    );
    const config: ModelConfig = { kind: 'glow', dim, steps, hidden: [...hidden], scale, seed };
    return new FlowModel({ bijector: chain(bs), dim, config });
  }
  const shape0 = opts.imageShape;
  const levels = opts.levels ?? 2;
  checkImageShape(shape0, levels, 'glow');
  const _dim = shape0[0] * shape0[1] * shape0[2];
  const levelBs: Bijector[] = [];
  const shapes: [number, number, number][] = [];
  let s: [number, number, number] = [shape0[0], shape0[1], shape0[2]];
  for (let l = 0; l < levels; l++) {
    s = [s[0] / 2, s[1] / 2, s[2] * 4];
    const bs: Bijector[] = [new Squeeze()];
    for (let i = 0; i < steps; i++)
      bs.push(glowStep(s[2], channelMask(s, (i % 2) as 0 | 1), hidden, scale, seeds));
    levelBs.push(chain(bs));
    shapes.push([...s]);
    if (l + 1 < levels) s = [s[0], s[1], s[2] / 2];
  }
  const config: ModelConfig = { kind: 'glow', levels, steps, hidden: [...hidden], scale, seed };
  return multiScaleImageModel({ ...opts, imageShape: shape0 }, levelBs, shapes, seeds.seed(), config);
}
