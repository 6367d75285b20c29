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
