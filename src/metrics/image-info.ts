import type { DensityModel } from '../model.js';

/** What an image model declares about its data (from its config). */
export interface ImageInfo {
  /** `[H, W, C]` of one image. */
  shape: [number, number, number];
  /** Pixel levels L: data are integers in {0..L−1}. */
  levels: number;
}

/**
 * The image description of a model whose config has an `imageShape` `[H, W, C]` (the multi-scale
 * flows; `pixelLevels` defaults to 17), or undefined for models of vectors.
 *
 * @param model Any density model.
 */
export function imageInfo(model: DensityModel): ImageInfo | undefined {
  const c = model.config();
  const s = c.imageShape;
  if (!Array.isArray(s) || s.length !== 3 || !s.every((v) => Number.isInteger(v) && v > 0)) return undefined;
  const levels = typeof c.pixelLevels === 'number' ? c.pixelLevels : 17;
  return { shape: [s[0], s[1], s[2]], levels };
}
