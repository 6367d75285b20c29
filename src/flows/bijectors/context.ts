/** How a conditioner reads the optional context of a conditional flow layer: appended to its input, shape-checked. */
import { type Tensor, tf } from '../../../solvers/tf.js';

/**
 * Concatenates the context to the conditioner input, checking its shape.
 *
 * @param h Conditioner input `[B, k]`.
 * @param context The context given, if any.
 * @param contextDim Expected context width C (0: none allowed).
 * @param who Layer name, for messages.
 */
export function withContext(h: Tensor, context: Tensor | undefined, contextDim: number, who: string): Tensor {
  if (contextDim === 0) {
    if (context !== undefined)
      throw new Error(`${who}: got a context, but the layer was built with contextDim 0`);
    return h;
  }
  if (
    context === undefined ||
    context.rank !== 2 ||
    context.shape[0] !== h.shape[0] ||
    context.shape[1] !== contextDim
  ) {
    throw new Error(
      `${who}: expected a context of shape [${h.shape[0]}, ${contextDim}]; got ${context === undefined ? 'none' : `[${context.shape.join(', ')}]`}`,
    );
  }
  return tf.concat([h, context], 1);
}
