// %% [markdown]
// # 01 · ODE solvers: Euler, RK4 and dopri5
//
// Everything else in odeflow — neural ODEs, CNFs, flow matching's sampler — rests on solving an
// **initial value problem**
// $$\frac{dy}{dt} = f(t, y), \qquad y(t_0) = y_0,$$
// numerically. This notebook puts odeflow's solvers side by side on two small problems: a damped
// linear **spiral** $\dot y = Ay$, whose exact solution we know, and the **Van der Pol**
// oscillator (a nonlinear limit cycle, with a float64 reference from `odexSolve`). It draws
// trajectories of many initial conditions at once (one batched tensor solve), shows how a coarse
// Euler step drifts where RK4 and the adaptive dopri5 do not, and ends with a
// **work–precision diagram**: error against the number of function evaluations (NFE) for
// fixed-step methods, the adaptive float32 methods and the float64 extrapolation path
// (`odexSolve`). Everything runs in a few seconds on the default backend.
//
// ## The methods in three formulas
//
// With step size $h$, $t_{n+1} = t_n + h$ and $y_n \approx y(t_n)$:
//
// **Euler** takes the slope at the start of the step,
// $$y_{n+1} = y_n + h\,f(t_n, y_n).$$
// Its error per step is $O(h^2)$, so over a fixed interval (about $1/h$ steps) the error is
// $O(h)$: a method of **order 1**, one evaluation of $f$ per step.
//
// **RK4** (the classical Runge–Kutta method) averages four slopes,
// $$k_1 = f(t_n, y_n),\quad k_2 = f\big(t_n + \tfrac h2,\, y_n + \tfrac h2 k_1\big),\quad
// k_3 = f\big(t_n + \tfrac h2,\, y_n + \tfrac h2 k_2\big),\quad k_4 = f(t_n + h,\, y_n + h k_3),$$
// $$y_{n+1} = y_n + \tfrac h6\,(k_1 + 2k_2 + 2k_3 + k_4):$$
// **order 4** (global error $O(h^4)$) for four evaluations per step. Halving $h$ divides its error
// by 16, Euler's by 2.
//
// **dopri5** (Dormand–Prince, the default of `odeint`, as in torchdiffeq and SciPy's `RK45`)
// computes from the same seven stages a 5th-order solution $y_{n+1}$ and an embedded 4th-order
// one $\hat y_{n+1}$; their difference estimates the local error. A step is accepted when the
// scaled root-mean-square error
// $$\mathrm{err} = \sqrt{\frac1N \sum_{i=1}^{N} \left(\frac{y_{n+1,i} - \hat y_{n+1,i}}{\mathrm{atol} + \mathrm{rtol}\,\max(|y_{n,i}|, |y_{n+1,i}|)}\right)^2}$$
// is at most 1. The next step is about $h \cdot 0.9\,\mathrm{err}^{-1/5}$ (Hairer's PI rule,
// which also leans slightly on the previous step's error; clipped to $[0.2h, 10h]$), and a
// rejected step is retried smaller. So the user chooses a tolerance, not a step:
// `rtol` and `atol` set the accuracy, and the solver spends evaluations where $f$ changes fast.
// The first stage of a step equals the last stage of the step before (“first same as last”), so
// an accepted step costs six new evaluations.

// %%
import * as odeflow from 'odeflow/node';
const tf = odeflow.tf;
const backend = await odeflow.initBackend();
odeflow.notebookSetup(); // embeds plotly.js once, so the saved notebook renders offline
console.log(`backend: ${backend}`);

// %% [markdown]
// ## The spiral: $\dot y = Ay$
//
// With
// $$A = \begin{pmatrix} -0.1 & 2 \\ -2 & -0.1 \end{pmatrix}$$
// (acting on column vectors) the eigenvalues are $\lambda = -0.1 \pm 2i$: the solution turns
// clockwise at angular speed 2 and shrinks by $e^{-0.1t}$,
// $$y(t) = e^{At}y_0 = e^{-0.1t}\begin{pmatrix} \cos 2t & \sin 2t \\ -\sin 2t & \cos 2t \end{pmatrix} y_0 .$$
// odeflow keeps points as rows of a batch `[N, 2]`, so the field is the matrix product
// $y A^\top$, and one `odeint` call solves all $N$ starting points together.
//
// **The plot** shows 24 starts on the circle of radius 2 (blue markers), each path as a thin line
// to where it is at $t = 6$ (red markers): every path curls clockwise towards the origin and the
// red ring has radius $2e^{-0.6} \approx 1.10$. Nothing is learned here — the point is the shape
// of `odeint`'s output, `[times, N, 2]`, which every later plot of trajectories reads.

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
// Fixed-step methods take `stepSize` (here a coarse $h = 0.1$); dopri5 picks its own steps from
// `rtol`/`atol`. `solveIvp` returns the same solution as `odeint` plus the counts (NFE, accepted
// and rejected steps). On a linear problem each Euler step multiplies the solution's
// $\lambda$-component by $1 + h\lambda$, where the exact flow multiplies it by $e^{h\lambda}$:
// $$|1 + h\lambda| = |0.99 \pm 0.2i| = \sqrt{1.0201} \approx 1.0100 \quad\text{vs}\quad |e^{h\lambda}| = e^{-0.01} \approx 0.9900 .$$
// So Euler *grows* the radius by 1 % per step while the true solution shrinks by 1 %: after
// 100 steps ($t = 10$) its radius is $2 \cdot 1.01^{100} \approx 5.4$ instead of
// $2e^{-1} \approx 0.74$. RK4's factor is the Taylor polynomial of $e^{h\lambda}$ to degree 4,
// which matches it to about $|h\lambda|^5/120 \approx 3 \cdot 10^{-6}$ per step.

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
// **The plot** shows the exact path (thick black) and the three numerical ones to $t = 10$, the
// legend giving each run's NFE. Look for: Euler's line spiralling *outwards* and leaving the
// frame (the printed max error, about 5, is of the order of the radius itself), while RK4 (400
// evaluations) and dopri5 lie on the black curve. On this smooth problem dopri5, asked for
// rtol = $10^{-5}$, takes about 60 steps of its own choosing and ends up roughly ten times more
// accurate than RK4 with slightly fewer evaluations (the printed table has the numbers).
//
// ## Van der Pol: a nonlinear limit cycle
//
// $$\dot y_1 = y_2, \qquad \dot y_2 = \mu\,(1 - y_1^2)\,y_2 - y_1, \qquad \mu = 1 .$$
// For $|y_1| < 1$ the middle term pumps energy in, for $|y_1| > 1$ it drains it, so every start
// except the origin is drawn to the same closed orbit. The batched tfjs field below is written
// with column slices; the float64 version (plain arrays) feeds `odexSolve`.

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
// **The plot**: 30 starts, alternately inside the cycle (radius 0.3) and outside it (radius 3.5),
// run to $t = 12$. The inner paths spiral outwards, the outer ones fall inwards, and all red end
// points sit on one closed curve, the limit cycle — a picture of an attractor that a single
// trajectory would not show.
//
// ## Work vs precision
//
// One path, $y(0) = (2, 0)$, to $t = 10$, compared at 21 output times against a float64 reference
// (`odexSolve` with rtol = atol = $10^{-13}$). Fixed-step methods sweep the step size, adaptive
// ones the tolerance (float32 tolerances stop at about $10^{-6}$: tfjs computes in float32), and
// the float64 path sweeps rtol down to $10^{-12}$. Why the lines are straight on log–log axes: a
// method of order $p$ has error $E \approx C h^p$, and the NFE over a fixed interval is
// proportional to $1/h$, so
// $$E \approx C' \cdot \mathrm{NFE}^{-p}, \qquad \log E \approx \log C' - p \log \mathrm{NFE}:$$
// the slope of a fixed-step method's line is $-p$ (Euler −1, midpoint −2, RK4 −4).

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
// **Reading the plot** (log–log, lower left is better): each line is one method, its points the
// step sizes or tolerances of the sweep (hover for the setting). At equal NFE, higher order wins
// by orders of magnitude, and the gap widens as the steps shrink, since the lines' slopes differ:
// halving Euler's step halves its error, halving RK4's divides it by 16. The adaptive methods' lines start at the left (loose tolerances, few steps) and
// run down and right as the tolerance tightens. Every float32 line flattens out near $10^{-6}$ to
// $10^{-5}$ — that floor is the precision of float32 arithmetic (about $6 \cdot 10^{-8}$ per
// operation, accumulated over the steps), not of the method — and only the float64 `odexSolve`
// path goes below it. That is why odeflow builds its test references with `odexSolve`.
//
// ## What to try next
//
// - Make Van der Pol stiff (μ = 20) and watch dopri5's NFE grow while the error stays put.
// - Compare `rk4` with `rk38`, or `dopri5` with `tsit5`, at equal NFE.
// - Swap the error measure: error at the final time only, or relative error.
// - Time the solves (`performance.now()`) as well as counting NFE: on the GPU backend the cost of
//   a step is dominated by dispatch, not arithmetic.
