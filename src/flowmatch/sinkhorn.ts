/** Options of {@link sinkhorn}. */
export interface SinkhornOptions {
  /** Entropic regularisation ε, relative to the mean cost. Default 0.05. */
  reg?: number;
  /** Stop when both marginals are within this (L1) of their targets. Default 1e-6. */
  tol?: number;
  /** Most iterations. Default 2000. */
  maxIter?: number;
}

/** What {@link sinkhorn} returns. */
export interface SinkhornResult {
  /** Transport plan, row-major n × m, summing to 1 with uniform marginals 1/n and 1/m. */
  plan: Float64Array;
  /** Iterations run. */
  iterations: number;
  /** Final L1 error of the row and column marginals. */
  marginalError: number;
}

/**
 * Entropic optimal transport between uniform marginals by log-domain Sinkhorn iterations
 * (stable for small ε). `cost` is row-major n × m.
 *
 * @param cost Costs, row-major n × m.
 * @param n Number of rows (source points).
 * @param m Number of columns (target points).
 * @param options ε, tolerance and iteration cap; see {@link SinkhornOptions}.
 */
export function sinkhorn(
  cost: ArrayLike<number>,
  n: number,
  m: number,
  options: SinkhornOptions = {},
): SinkhornResult {
  const relReg = options.reg ?? 0.05;
  const tol = options.tol ?? 1e-6;
  const maxIter = options.maxIter ?? 2000;
  if (cost.length !== n * m) throw new Error(`cost has ${cost.length} entries; expected n·m = ${n * m}`);
  if (!(relReg > 0)) throw new Error(`sinkhorn reg = ${relReg} is invalid: expected > 0`);
  let mean = 0;
  for (let k = 0; k < cost.length; k++) mean += cost[k];
  mean = mean / cost.length || 1;
  const eps = relReg * mean;
  const logA = -Math.log(n);
  const logB = -Math.log(m);
  const f = new Float64Array(n);
  const g = new Float64Array(m);
  const lse = (vals: Float64Array): number => {
    let mx = Number.NEGATIVE_INFINITY;
    for (const x of vals) if (x > mx) mx = x;
    let s = 0;
    for (const x of vals) s += Math.exp(x - mx);
    return mx + Math.log(s);
  };
  const rowBuf = new Float64Array(m);
  const colBuf = new Float64Array(n);
  let iterations = 0;
  let marginalError = Number.POSITIVE_INFINITY;
  const plan = new Float64Array(n * m);
  const fillPlan = () => {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) plan[i * m + j] = Math.exp((f[i] + g[j] - cost[i * m + j]) / eps);
    }
  };
  while (iterations < maxIter) {
    iterations++;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) rowBuf[j] = (g[j] - cost[i * m + j]) / eps;
      f[i] = eps * (logA - lse(rowBuf));
    }
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < n; i++) colBuf[i] = (f[i] - cost[i * m + j]) / eps;
      g[j] = eps * (logB - lse(colBuf));
    }
    // after the g update the column marginals are exact; measure the rows
    if (iterations % 10 === 0 || iterations === maxIter) {
      fillPlan();
      marginalError = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += plan[i * m + j];
        marginalError += Math.abs(s - 1 / n);
      }
      if (marginalError < tol) break;
    }
  }
  fillPlan();
  return { plan, iterations, marginalError };
}
