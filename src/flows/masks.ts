/**
 * Binary masks for coupling layers, over the flattened event (row-major `[H, W, C]` for images).
 * A 1 marks an element that passes through unchanged and conditions the transform of the 0s.
 */

/**
 * Half-split mask of a vector of length `d`: the first ⌈d/2⌉ are 1 (parity 0) or the rest (parity 1).
 *
 * @param d Length of the vector.
 * @param parity 0 or 1: which half is 1.
 */
export function halfMask(d: number, parity: 0 | 1): number[] {
  const k = Math.ceil(d / 2);
  return Array.from({ length: d }, (_, i) => ((i < k ? 1 : 0) ^ parity) as number);
}

/**
 * Checkerboard mask over `[H, W, C]`: 1 where (h + w) is even (parity 0), odd (parity 1).
 *
 * @param shape Event shape `[H, W, C]`.
 * @param parity 0 or 1: which half is 1.
 */
export function checkerboardMask(shape: readonly [number, number, number], parity: 0 | 1): number[] {
  const [h, w, c] = shape;
  const m: number[] = [];
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) for (let k = 0; k < c; k++) m.push(((i + j) % 2) ^ parity ^ 1);
  return m;
}

/**
 * Channel mask over `[H, W, C]`: the first half of the channels are 1 (parity 0) or the second half.
 *
 * @param shape Event shape `[H, W, C]`, C ≥ 2.
 * @param parity 0 or 1: which half is 1.
 */
export function channelMask(shape: readonly [number, number, number], parity: 0 | 1): number[] {
  const [h, w, c] = shape;
  if (c < 2)
    throw new Error(`channelMask needs at least 2 channels; got shape [${shape.join(', ')}]. Squeeze first.`);
  const m: number[] = [];
  for (let i = 0; i < h * w; i++)
    for (let k = 0; k < c; k++) m.push(((k < c / 2 ? 1 : 0) ^ parity) as number);
  return m;
}
