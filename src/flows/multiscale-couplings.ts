/**
 * RealNVP's multi-scale coupling layout (Dinh et al. 2017), shared by `realNVP` and the spline
 * `nsf` on images: per level, `layers` checkerboard couplings, a squeeze and `layers` channel
 * couplings, then half the channels factored out; the last level is `layers + 1` checkerboard
 * couplings. The coupling itself (affine or spline) is the caller's.
 */
import { chain } from '../core/chain.js';
import type { Bijector } from './bijector.js';
import { Squeeze } from './bijectors/squeeze.js';
import { channelMask, checkerboardMask } from './masks.js';

/** Image shape `[H, W, C]`. */
type Shape = [number, number, number];

/** Per-level bijectors and the shape each level ends in (as `multiScaleImageModel` takes them). */
export interface MultiScaleLevels {
  /** One chained bijector per level. */
  levelBs: Bijector[];
  /** The shape `[H, W, C]` at the end of each level (before its split). */
  shapes: Shape[];
}

/**
 * The levels of RealNVP's multi-scale layout, with `coupling(mask)` building each coupling layer
 * (called in layer order, so seeds drawn inside it follow that order).
 *
 * @param shape0 The image shape `[H, W, C]` (checked by the caller).
 * @param levels Number of levels.
 * @param layers Couplings per half-level.
 * @param coupling Builds a coupling layer for a binary mask over the flattened `[H, W, C]`.
 */
export function multiScaleCouplings(
  shape0: readonly number[],
  levels: number,
  layers: number,
  coupling: (mask: number[]) => Bijector,
): MultiScaleLevels {
  const levelBs: Bijector[] = [];
  const shapes: Shape[] = [];
  let s: Shape = [shape0[0], shape0[1], shape0[2]];
  for (let l = 0; l < levels; l++) {
    const last = l + 1 === levels;
    const bs: Bijector[] = [];
    for (let i = 0; i < (last ? layers + 1 : layers); i++)
      bs.push(coupling(checkerboardMask(s, (i % 2) as 0 | 1)));
    if (!last) {
      bs.push(new Squeeze());
      s = [s[0] / 2, s[1] / 2, s[2] * 4];
      for (let i = 0; i < layers; i++) bs.push(coupling(channelMask(s, (i % 2) as 0 | 1)));
    }
    levelBs.push(chain(bs));
    shapes.push([...s]);
    if (!last) s = [s[0], s[1], s[2] / 2];
  }
  return { levelBs, shapes };
}
