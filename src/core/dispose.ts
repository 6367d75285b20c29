import { tf } from '../../solvers/tf.js';

/**
 * Disposes every tensor (variables included) reachable from `root` through own properties,
 * arrays, Maps and Sets — the constants (masks, permutations) and variables a bijector holds.
 * Each object is visited once; tensors already disposed are skipped.
 */
export function disposeReachable(root: unknown): void {
  const seen = new Set<unknown>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof tf.Tensor) {
      if (!v.isDisposed) v.dispose();
      continue;
    }
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (v instanceof Map) stack.push(...v.values());
    else if (v instanceof Set) stack.push(...v);
    else stack.push(...Object.values(v));
  }
}
