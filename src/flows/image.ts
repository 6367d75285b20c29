import { chain } from '../core/chain.js';
import { FlowModel } from '../core/flow-model.js';
import type { ModelConfig } from '../model.js';
import type { Bijector } from './bijector.js';
import { multiScale } from './bijectors/multiscale.js';
import { Logit } from './bijectors/sigmoid.js';
import { type Dequantizer, UniformDequantizer, VariationalDequantizer } from './dequantize.js';

/** Options shared by the image (multi-scale) variants of `realNVP` and `glow`. */
export interface ImageOptions {
  /** `[H, W, C]` of one image (H, W divisible by 2^levels). Giving it selects the multi-scale model. */
  readonly imageShape?: readonly [number, number, number];
  /** Number of scales. Default 2. */
  readonly levels?: number;
  /** Pixel levels L: data are integers in {0..L−1}. Default 17 (the 8×8 digits). */
  readonly pixelLevels?: number;
  /** `'uniform'` (default) or `'variational'` dequantization. */
  readonly dequantization?: 'uniform' | 'variational';
  /** Margin α of the logit preprocessing. Default 0.05. */
  readonly logitAlpha?: number;
}

/** The dequantizer an image model uses. */
export function makeDequantizer(opts: ImageOptions, dim: number, seed: number): Dequantizer {
  const levels = opts.pixelLevels ?? 17;
  if ((opts.dequantization ?? 'uniform') === 'variational')
    return new VariationalDequantizer(levels, dim, [64], seed);
  return new UniformDequantizer(levels);
}

/** Checks that an image shape can be squeezed `times` times. */
export function checkImageShape(shape: readonly number[], times: number, who: string): void {
  const f = 2 ** times;
  if (shape.length !== 3 || shape[0] % f !== 0 || shape[1] % f !== 0) {
    throw new Error(
      `${who}: imageShape [${shape.join(', ')}] must be [H, W, C] with H and W divisible by ${f}`,
    );
  }
}

/**
 * Assembles a multi-scale image model: dequantization, logit preprocessing, then the levels'
 * bijectors with half the channels factored out after each level but the last. `config` holds
 * the kind's own keys; the image keys are added here.
 */
export function multiScaleImageModel(
  opts: ImageOptions & { readonly imageShape: readonly [number, number, number] },
  levels: readonly Bijector[],
  shapes: readonly [number, number, number][],
  dequantizerSeed: number,
  config: ModelConfig,
): FlowModel {
  const shape0 = opts.imageShape;
  const dim = shape0[0] * shape0[1] * shape0[2];
  const logitAlpha = opts.logitAlpha ?? 0.05;
  const pixelLevels = opts.pixelLevels ?? 17;
  return new FlowModel({
    bijector: chain([new Logit(logitAlpha), multiScale([...levels], [...shapes])]),
    dim,
    eventShape: shape0,
    latentShape: [dim],
    dequantizer: makeDequantizer(opts, dim, dequantizerSeed),
    pixelLevels,
    config: {
      ...config,
      imageShape: [...shape0],
      pixelLevels,
      dequantization: opts.dequantization ?? 'uniform',
      logitAlpha,
    },
  });
}
