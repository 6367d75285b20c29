// %% [markdown]
// # 01 · ODE solvers: Euler, RK4 and dopri5
//
// This notebook puts odeflow's solvers side by side on two small problems: a damped linear
// **spiral** (dy/dt = A·y, whose exact solution we know) and the **Van der Pol** oscillator
// (a nonlinear limit cycle, with a float64 reference from `odexSolve`). It draws trajectories of
// many initial conditions at once (one batched tensor solve), shows how a coarse Euler step
// drifts where RK4 and the adaptive dopri5 do not, and ends with a **work–precision diagram**:
// error against the number of function evaluations (NFE) for fixed-step methods, the adaptive
// float32 methods and the float64 extrapolation path (`odexSolve`). Everything runs in a few
// seconds on the default backend.

// %%
import * as odeflow from 'odeflow/node';
const tf = odeflow.tf;
const backend = await odeflow.initBackend();
odeflow.notebookSetup(); // embeds plotly.js once, so the saved notebook renders offline
console.log(`backend: ${backend}`);

// %% [markdown]
// ## The spiral: dy/dt = A·y
//
// With A = [[−0.1, 2], [−2, −0.1]] (acting on column vectors) the solution rotates clockwise
// and decays: y(t) = e^(−0.1t)·R(t)·y(0). odeflow keeps points as rows, so the field is the
// matrix product y·Aᵀ on a batch `[N, 2]`.

// %%
const a = -0.1, b = 2;
const At = tf.tensor2d([[a, -b], [b, a]]); // Aᵀ, for row vectors
const spiral = (t: number, y) => tf.matMul(y, At);
const exactSpiral = (t: number, y0: number[]) => {
  const e = Math.exp(a * t), c = Math.cos(b * t), s = Math.sin(b * t);
  return [e * (y0[0] * c + y0[1] * s), e * (-y0[0] * s + y0[1] * c)];
};

// 24 initial conditions on a circle of radius 2, solved together as one [24, 2] tensor
const starts = Array.from({ length: 24 }, (_, i) => {
  const th = (2 * Math.PI * i) / 24;
  return [2 * Math.cos(th), 2 * Math.sin(th)];
});
const ts = Array.from({ length: 101 }, (_, i) => (6 * i) / 100);
const paths = odeflow.odeint(spiral, tf.tensor2d(starts), ts, { method: 'dopri5' as const }); // [101, 24, 2]
odeflow.show(odeflow.trajectories(paths, { range: [-2.5, 2.5], title: 'spiral, dopri5: 24 starts (blue) → t = 6 (red)' }));

// %% [markdown]
// ### Euler vs RK4 vs dopri5 on one path
//
// Fixed-step methods take `stepSize` (here a coarse 0.1); dopri5 picks its own steps from
// `rtol`/`atol`. `solveIvp` returns the same solution as `odeint` plus the counts.

// %%
const y0 = tf.tensor2d([[2, 0]]);
const tsLong = Array.from({ length: 101 }, (_, i) => (10 * i) / 100);
const runs = [
  { method: 'euler' as const, stepSize: 0.1 },
  { method: 'rk4' as const, stepSize: 0.1 },
  { method: 'dopri5' as const, rtol: 1e-5, atol: 1e-6 },
].map((o) => {
  const r = odeflow.solveIvp(spiral, y0, tsLong, o);
  const ys = tf.reshape(r.ys, [tsLong.length, 2]).arraySync() as number[][];
  const err = Math.max(...tsLong.map((t, i) => Math.hypot(ys[i][0] - exactSpiral(t, [2, 0])[0], ys[i][1] - exactSpiral(t, [2, 0])[1])));
  console.log(`${o.method.padEnd(7)} NFE ${String(r.stats.nfe).padStart(4)}  steps ${String(r.stats.steps).padStart(4)}  max error ${err.toExponential(2)}`);
  return { ...o, ys, stats: r.stats };
});
const exactPath = tsLong.map((t) => exactSpiral(t, [2, 0]));
odeflow.show({
  data: [
    { type: 'scatter', mode: 'lines', name: 'exact', x: exactPath.map((p) => p[0]), y: exactPath.map((p) => p[1]), line: { color: 'black', width: 3 } },
    ...runs.map((r): odeflow.Figure['data'][number] => ({
      type: 'scatter', mode: 'lines', name: `${r.method} (NFE ${r.stats.nfe})`,
      x: r.ys.map((p) => p[0]), y: r.ys.map((p) => p[1]), line: { dash: r.method === 'dopri5' ? 'dot' : 'solid' },
    })),
  ],
  layout: { title: { text: 'spiral to t = 10: Euler (h = 0.1) spirals outwards' }, xaxis: { range: [-2.5, 2.5] }, yaxis: { range: [-2.5, 2.5], scaleanchor: 'x' }, width: 640, height: 560 },
});

// %% [markdown]
// ## Van der Pol: y₁' = y₂, y₂' = μ(1 − y₁²)y₂ − y₁, μ = 1
//
// Every start is drawn to the same limit cycle. The batched tfjs field below is written with
// column slices; the float64 version (plain arrays) feeds `odexSolve`.

// %%
const mu = 1;
const vdp = (t: number, y) =>
  tf.tidy(() => {
    const [y1, y2] = tf.split(y, 2, 1);
    return tf.concat([y2, tf.sub(tf.mul(mu, tf.mul(tf.sub(1, tf.square(y1)), y2)), y1)], 1);
  });
const vdp64 = (t: number, y: number[]) => [y[1], mu * (1 - y[0] * y[0]) * y[1] - y[0]];

const vdpStarts = Array.from({ length: 30 }, (_, i) => {
  const th = (2 * Math.PI * i) / 30, r = i % 2 ? 0.3 : 3.5;
  return [r * Math.cos(th), r * Math.sin(th)];
});
const tsV = Array.from({ length: 121 }, (_, i) => (12 * i) / 120);
const vdpPaths = odeflow.odeint(vdp, tf.tensor2d(vdpStarts), tsV, { method: 'dopri5' as const, rtol: 1e-5, atol: 1e-6 });
odeflow.show(odeflow.trajectories(vdpPaths, { range: [-4, 4], title: 'Van der Pol (μ = 1), dopri5: starts (blue) → t = 12 (red)' }));

// %% [markdown]
// ## Work vs precision
//
// One path, y(0) = (2, 0), to t = 10, compared at 21 output times against a float64 reference
// (`odexSolve` with rtol = atol = 1e-13). Fixed-step methods sweep the step size, adaptive ones
// the tolerance (float32 tolerances stop at about 1e-6: tfjs computes in float32), and the
// float64 path sweeps rtol down to 1e-12. The slope of a fixed-step line is −(order).

// %%
const tsW = Array.from({ length: 21 }, (_, i) => (10 * i) / 20);
const ref = odeflow.odexSolve(vdp64, [2, 0], tsW, { rtol: 1e-13, atol: 1e-13 }).ys as number[][];
const maxErr = (ys: number[][]) => Math.max(...ys.map((y, i) => Math.hypot(y[0] - ref[i][0], y[1] - ref[i][1])));
const rows: odeflow.WorkPrecisionRow[] = [];
const y0v = tf.tensor2d([[2, 0]]);
const t0 = performance.now();
for (const method of ['euler', 'midpoint', 'rk4'] as const) {
  for (const h of [0.2, 0.1, 0.05, 0.025, 0.0125]) {
    const r = odeflow.solveIvp(vdp, y0v, tsW, { method, stepSize: h });
    rows.push({ method, nfe: r.stats.nfe, error: maxErr(tf.reshape(r.ys, [tsW.length, 2]).arraySync() as number[][]), setting: h });
    r.ys.dispose();
  }
}
for (const method of ['bosh3', 'dopri5', 'tsit5', 'dop853'] as const) {
  for (const tol of [1e-2, 1e-3, 1e-4, 1e-5, 1e-6]) {
    const r = odeflow.solveIvp(vdp, y0v, tsW, { method, rtol: tol, atol: tol });
    rows.push({ method, nfe: r.stats.nfe, error: maxErr(tf.reshape(r.ys, [tsW.length, 2]).arraySync() as number[][]), setting: tol });
    r.ys.dispose();
  }
}
for (const tol of [1e-3, 1e-5, 1e-7, 1e-9, 1e-11, 1e-12]) {
  const r = odeflow.odexSolve(vdp64, [2, 0], tsW, { rtol: tol, atol: tol });
  rows.push({ method: 'odex (float64)', nfe: r.stats.nfe, error: maxErr(r.ys), setting: tol });
}
console.log(`${rows.length} solves in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
odeflow.show(odeflow.workPrecision(rows, { title: 'Van der Pol to t = 10: max error vs NFE', errorLabel: 'max |y − y_ref| over 21 times' }));

// %% [markdown]
// Reading the plot: at equal NFE, higher order wins by orders of magnitude; the float32 methods
// flatten out near 1e-6 (the precision of float32 state, not of the method), and only the float64
// `odexSolve` path goes below it. That is why odeflow builds its test references with `odexSolve`.
//
// ## What to try next
//
// - Make Van der Pol stiff (μ = 20) and watch dopri5's NFE grow while the error stays put.
// - Compare `rk4` with `rk38`, or `dopri5` with `tsit5`, at equal NFE.
// - Swap the error measure: error at the final time only, or relative error.
// - Time the solves (`performance.now()`) as well as counting NFE: on the GPU backend the cost of
//   a step is dominated by dispatch, not arithmetic.
