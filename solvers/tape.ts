import { type Tensor, tf } from './tf.js';

interface TapeState {
  gradientDepth: number;
  activeTape: { saved?: Tensor[] }[] | null;
}

/**
 * Releases the gradient tape tfjs leaves open when the function under `tf.grad`/`variableGrads`
 * throws (its saved tensors would leak: tfjs disposes them only after a successful backward
 * pass). Call it after catching such an error; it does nothing inside an enclosing gradient or
 * when no tape is open.
 */
export function releaseTape(): void {
  const state = (tf.engine() as unknown as { state: TapeState }).state;
  if (state.gradientDepth !== 0 || !state.activeTape) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}
