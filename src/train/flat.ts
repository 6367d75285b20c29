import { type Tensor, tf } from '../../solvers/tf.js';

/** Total number of scalars in `tensors`. */
export function flatSize(tensors: readonly Tensor[]): number {
  return tensors.reduce((n, t) => n + t.size, 0);
}

/**
 * The values of `tensors` (float32) concatenated in order into one array — how parameters and
 * gradients travel between threads.
 *
 * @param tensors Tensors to read (synchronously), in a fixed order.
 */
export function readFlat(tensors: readonly Tensor[]): Float32Array {
  const out = new Float32Array(flatSize(tensors));
  let at = 0;
  for (const t of tensors) {
    out.set(t.dataSync() as Float32Array, at);
    at += t.size;
  }
  return out;
}

/**
 * Assigns consecutive slices of `flat` to `params` (in order, each reshaped to its variable).
 *
 * @param params Variables to overwrite.
 * @param flat Their values, concatenated, as {@link readFlat} writes them.
 */
export function assignFlat(params: readonly tf.Variable[], flat: Float32Array): void {
  const need = flatSize(params);
  if (flat.length !== need) {
    throw new RangeError(
      `assignFlat: got ${flat.length} values for ${params.length} parameters of ${need} values`,
    );
  }
  let at = 0;
  for (const p of params) {
    const v = tf.tensor(flat.subarray(at, at + p.size), p.shape, 'float32');
    p.assign(v);
    v.dispose();
    at += p.size;
  }
}
