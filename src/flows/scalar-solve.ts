/**
 * Safeguarded Newton–bisection for many independent monotone increasing 1-D equations
 * g_i(a) = 0 on brackets [lo_i, hi_i] with g_i(lo_i) ≤ 0 ≤ g_i(hi_i), in float64.
 * Each step takes the Newton iterate when it stays strictly inside the current bracket and
 * bisects otherwise, so it always converges (linearly at worst, quadratically near the root).
 *
 * @param g Equation i at a: its value and slope.
 * @param lo Lower bracket ends, g_i(lo_i) ≤ 0.
 * @param hi Upper bracket ends, g_i(hi_i) ≥ 0.
 * @param tol Relative stopping tolerance on the step and the bracket. Default 1e-12.
 * @param maxIter Most iterations per equation. Default 200.
 */
export function solveMonotone(
  g: (a: number, i: number) => { value: number; slope: number },
  lo: Float64Array,
  hi: Float64Array,
  tol = 1e-12,
  maxIter = 200,
): Float64Array {
  const n = lo.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let a = lo[i];
    let b = hi[i];
    if (!(a <= b)) throw new Error(`solveMonotone: empty bracket [${a}, ${b}] at index ${i}`);
    let x = 0.5 * (a + b);
    for (let k = 0; k < maxIter; k++) {
      const { value, slope } = g(x, i);
      if (value === 0) break;
      if (value > 0) b = x;
      else a = x;
      const newton = x - value / slope;
      const next = slope > 0 && newton > a && newton < b ? newton : 0.5 * (a + b);
      if (Math.abs(next - x) <= tol * (1 + Math.abs(x)) || b - a <= tol * (1 + Math.abs(x))) {
        x = next;
        break;
      }
      x = next;
    }
    out[i] = x;
  }
  return out;
}
