import { solveIvp } from './odeint.js';
import type { Tensor } from './tf.js';
import type { OdeFunc, OdeintOptions, SolveResult } from './types.js';

// placeholder: replaced by the i13 branch's implementation at merge

/**
 * {@link solveIvp} for backends without synchronous reads (WebGPU): same arguments, options and
 * result `{ ys, stats: { nfe, steps, rejected } }`. This body delegates to the synchronous solve.
 */
export async function solveIvpAsync(
  f: OdeFunc,
  y0: Tensor,
  ts: readonly number[],
  options?: OdeintOptions,
): Promise<SolveResult> {
  return solveIvp(f, y0, ts, options);
}
