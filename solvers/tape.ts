import { type Tensor, tf } from './tf.js';

interface TapeState {
  gradientDepth: number;
  activeTape: { saved?: Tensor[]; outputs?: Tensor[] }[] | null;
}

/**
 * Releases the gradient tape tfjs leaves open when the function under `tf.grad`/`variableGrads`
 * throws (its saved tensors would leak: tfjs disposes them only after a successful backward
 * pass), and, when the backward pass threw, the function's result (it escaped the forward
 * scope: the only tape output neither disposed nor kept). Call it after catching such an error;
 * it does nothing inside an enclosing gradient or when no tape is open.
 */
export function releaseTape(): void {
  // the engine's tape state has no typed accessor in tfjs
  const state: TapeState = Reflect.get(tf.engine(), 'state');
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) {
    for (const t of node.saved ?? []) t.dispose();
    for (const t of node.outputs ?? []) if (!t.isDisposed && !(t as { kept?: boolean }).kept) t.dispose();
  }
  state.activeTape = null;
}
