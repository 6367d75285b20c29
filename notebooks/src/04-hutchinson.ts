// %% [markdown]
// # 04 · Exact divergence vs Hutchinson's estimator
//
// A CNF's log-density needs the divergence tr(∂f/∂x) of its vector field. odeflow computes it
// **exactly** by forward-mode tangents (D tangent directions, one per input dimension), or
// estimates it by **Hutchinson's trick**, εᵀ(∂f/∂x)ε with one random probe ε per point, which
// costs one tangent direction whatever D is. This notebook measures both sides of that trade as
// the dimension D grows, on random MLP fields: the estimator's variance for Gaussian and for
// Rademacher (±1) probes, against the theory, and the wall time of one evaluation of f alone, of
// f with the exact divergence, and of f with the estimate. No training: it runs in well under a
// minute.

// %%
import * as odeflow from 'odeflow/node';
const tf = odeflow.tf;
const backend = await odeflow.initBackend();
odeflow.notebookSetup();
console.log(`backend: ${backend}`);

// %% [markdown]
// ## Variance of the estimate
//
// For each D, a random field f = `mlpField({ dim: D, hidden: [64, 64] })` and 32 points
// x ~ N(0, I). Each point gets K = 200 independent probes (the points are repeated K times so all
// probes go through one batched `hutchinson` call). With J = ∂f/∂x and S = (J + Jᵀ)/2, theory
// says Var = 2‖S‖²_F for Gaussian probes and 2(‖S‖²_F − Σᵢ Sᵢᵢ²) for Rademacher ones — the
// Rademacher estimator drops the diagonal's share, and it is exact when J is diagonal.

// %%
const dims = [2, 4, 8, 16, 32, 64];
const P = 32, K = 200;
const rows: Record<string, number>[] = [];
for (const D of dims) {
  const field = odeflow.mlpField({ dim: D, hidden: [64, 64], seed: D });
  const x = tf.randomNormal([P, D], 0, 1, 'float32', 11);
  const exact = odeflow.divergence(field, 0.3, x).div; // [P]
  const xs = tf.tile(x, [K, 1]); // [K·P, D], row k·P + p is point p
  const row: Record<string, number> = { D, exact: tf.mean(tf.abs(exact)).dataSync()[0] };
  for (const kind of ['gaussian', 'rademacher'] as const) {
    const eps = odeflow.probeNoise(kind, [K * P, D], 100 + D);
    const est = tf.reshape(odeflow.hutchinson(field, 0.3, xs, eps).div, [K, P]);
    const { mean, variance } = tf.moments(est, 0); // over probes, per point
    row[`${kind} var`] = tf.mean(variance).dataSync()[0];
    row[`${kind} bias`] = tf.mean(tf.abs(tf.sub(mean, exact))).dataSync()[0];
    tf.dispose([eps, est, mean, variance]);
  }
  // theory from the full Jacobian: jv[k, b, :] = J_b e_k, so jv[k, b, i] = J_b[i, k]
  const { jv } = field.jvp(0.3, x, 'identity');
  const J = tf.transpose(jv, [1, 2, 0]); // [P, D, D], J[b, i, k] = ∂f_i/∂x_k
  const S = tf.mul(0.5, tf.add(J, tf.transpose(J, [0, 2, 1])));
  const fro = tf.sum(tf.square(S), [1, 2]);
  const diag = tf.sum(tf.square(tf.mul(S, tf.eye(D))), [1, 2]);
  row['gaussian theory'] = tf.mean(tf.mul(2, fro)).dataSync()[0];
  row['rademacher theory'] = tf.mean(tf.mul(2, tf.sub(fro, diag))).dataSync()[0];
  rows.push(row);
  tf.dispose([x, exact, xs, jv, J, S, fro, diag, ...field.params]);
}
console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'D' ? v : Number(v.toPrecision(3))]))));

// %%
const col = (key: string) => rows.map((r) => r[key]);
odeflow.show({
  data: [
    { type: 'scatter', mode: 'markers', name: 'Gaussian (measured)', x: dims, y: col('gaussian var'), marker: { size: 10, color: '#1f77b4' } },
    { type: 'scatter', mode: 'lines', name: 'Gaussian (theory 2‖S‖²)', x: dims, y: col('gaussian theory'), line: { color: '#1f77b4', dash: 'dot' } },
    { type: 'scatter', mode: 'markers', name: 'Rademacher (measured)', x: dims, y: col('rademacher var'), marker: { size: 10, color: '#d62728' } },
    { type: 'scatter', mode: 'lines', name: 'Rademacher (theory)', x: dims, y: col('rademacher theory'), line: { color: '#d62728', dash: 'dot' } },
    { type: 'scatter', mode: 'lines+markers', name: 'mean |exact divergence|²', x: dims, y: col('exact').map((v) => v * v), line: { color: 'gray' } },
  ],
  layout: {
    title: { text: 'variance of one-probe Hutchinson estimates vs dimension' },
    xaxis: { type: 'log', title: { text: 'dimension D' } },
    yaxis: { type: 'log', title: { text: 'variance per point' } },
    height: 480,
  },
});

// %% [markdown]
// The variance grows with D (‖S‖²_F sums D² entries) while the divergence itself grows roughly
// like D, so the relative noise of a one-probe estimate stays substantial; Rademacher probes are
// never worse than Gaussian ones. In a CNF the noise averages out over a batch and over training
// iterations, which is why FFJORD can afford one probe per point.
//
// ## Cost per evaluation
//
// Wall time of f alone, f with the exact divergence (D tangents), and f with one Hutchinson probe,
// batch 256, median of repeated calls. The exact divergence carries D tangent directions through
// every layer, so its cost grows with D; Hutchinson's carries one, whatever D is.

// %%
function median(fn: () => void, reps = 15) {
  fn(); // warm-up
  const ts = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[Math.floor(reps / 2)];
}
const cost: Record<string, number>[] = [];
for (const D of dims) {
  const field = odeflow.mlpField({ dim: D, hidden: [64, 64], seed: D });
  const x = tf.randomNormal([256, D], 0, 1, 'float32', 3);
  const eps = odeflow.probeNoise('rademacher', [256, D], 5);
  const read = (t) => { t.dataSync(); t.dispose(); };
  cost.push({
    D,
    f: median(() => read(field(0.3, x))),
    exact: median(() => { const r = odeflow.divergence(field, 0.3, x); read(r.div); r.f.dispose(); }),
    hutchinson: median(() => { const r = odeflow.hutchinson(field, 0.3, x, eps); read(r.div); r.f.dispose(); }),
  });
  tf.dispose([x, eps, ...field.params]);
}
console.table(cost.map((c) => ({ D: c.D, 'f (ms)': c.f.toFixed(2), 'exact (ms)': c.exact.toFixed(2), 'hutchinson (ms)': c.hutchinson.toFixed(2) })));
odeflow.show({
  data: ['f', 'exact', 'hutchinson'].map((k) => ({
    type: 'scatter', mode: 'lines+markers', name: k === 'f' ? 'f only' : k === 'exact' ? 'f + exact divergence' : 'f + Hutchinson (1 probe)',
    x: dims, y: cost.map((c) => c[k]),
  })),
  layout: {
    title: { text: `time per evaluation, batch 256 (${backend})` },
    xaxis: { type: 'log', title: { text: 'dimension D' } },
    yaxis: { type: 'log', title: { text: 'ms (median)' } },
    height: 460,
  },
});

// %% [markdown]
// ## What to try next
//
// - Average several probes per point (repeat x and ε, as in the variance cell) and check the
//   variance falls as 1/K.
// - Repeat the cost measurement on another backend (`initBackend('cpu')`, or `tensorflow` with
//   `@tensorflow/tfjs-node`) — the crossover dimension moves with the per-op overhead.
// - Train a CNF with `divergence: 'hutchinson'` and `noise: 'rademacher'` (notebook 03) and compare
//   held-out NLL at equal wall time.
