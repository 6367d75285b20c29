// %% [markdown]
// # 02 · A neural ODE: learning spiral dynamics, backprop vs adjoint
//
// This notebook fits a neural ODE dy/dt = MLP(y³) to a sampled trajectory of a 2-D spiral (the
// demo from torchdiffeq), twice: once with gradients by **backpropagation through the solver**
// (`odeint` under tfjs autodiff) and once by the **adjoint method** (`odeintAdjoint`, which solves
// an augmented system backwards in time instead of keeping the forward pass on the tape). It
// compares their loss curves, their function evaluations (NFE) forward and backward, and their
// memory as the number of solver steps grows. Training is kept short (200 iterations each, a
// few seconds on 2 CPU cores) so the notebook runs in well under a minute; the fit is rough but
// the differences between the two gradient methods are already clear.
//
// ## Two ways to get $\partial L/\partial \theta$
//
// A neural ODE is $\frac{dy}{dt} = f_\theta(t, y)$, $y(t_0) = y_0$, and the loss $L$ depends on
// the solution at some output times. **Backpropagation through the solver** differentiates the
// solver's own arithmetic: exact for the discrete solve, but every step's intermediate values stay
// in memory until the gradient is taken. The **adjoint method** (Pontryagin; Chen et al. 2018)
// instead defines the adjoint state $a(t) = \partial L / \partial y(t)$, which obeys its own ODE,
// solved backwards from the final time together with $y$ itself:
// $$\frac{da}{dt} = -\,a(t)^\top \frac{\partial f_\theta}{\partial y}\big(t, y(t)\big), \qquad
// \frac{\partial L}{\partial \theta} = \int_{t_1}^{t_0} -\,a(t)^\top \frac{\partial f_\theta}{\partial \theta}\big(t, y(t)\big)\,dt ,$$
// starting from $a(t_1) = \partial L/\partial y(t_1)$ (and jumping by $\partial L/\partial y(t_i)$
// at each earlier output time). `odeintAdjoint` solves the augmented state
// $[\,y,\ a,\ a_\theta\,]$ backwards; the products $a^\top \partial f/\partial y$ and
// $a^\top \partial f/\partial \theta$ are vector–Jacobian products of one evaluation of $f$
// (first-order tfjs autodiff). Memory no longer grows with the number of steps; the price is a
// second solve, and its gradient is that of the exact flow up to the backward solve's error.

// %%
import * as odeflow from 'odeflow/node';
const tf = odeflow.tf;
const backend = await odeflow.initBackend();
odeflow.notebookSetup();
console.log(`backend: ${backend}`);

// %% [markdown]
// ## Data: the true spiral
//
// dy/dt = (y³)·A with A = [[−0.1, 2], [−2, −0.1]], y(0) = (2, 0), sampled at 1000 times on
// [0, 25] by the float64 solver `odexSolve`.

// %%
const A = [[-0.1, 2.0], [-2.0, -0.1]];
const cubic = (t: number, y: number[]) => {
  const c = [y[0] ** 3, y[1] ** 3];
  return [c[0] * A[0][0] + c[1] * A[1][0], c[0] * A[0][1] + c[1] * A[1][1]];
};
const N = 1000, T_END = 25, BATCH = 20, SEG = 10;
const ts = Array.from({ length: N }, (_, i) => (T_END * i) / (N - 1));
const truth = odeflow.odexSolve(cubic, [2, 0], ts, { rtol: 1e-10, atol: 1e-10 }).ys as number[][];
const trueY = tf.tensor2d(truth); // [1000, 2]
const segTs = ts.slice(0, SEG);

// %% [markdown]
// ## The model and the training loop
//
// The field is a 2-50-2 tanh MLP applied to y³. It is wrapped so that every evaluation counts
// one NFE and samples `tf.memory().numBytes` (the bytes of live tensors): forward evaluations
// happen in the solve, backward ones (adjoint only) in the gradient. Each iteration fits 20
// random segments of 10 samples, solved with RK4 (one step per sample interval) from their true
// start; the loss is the mean absolute error $\frac{1}{n}\sum |y_{\text{model}} - y_{\text{true}}|$.

// %%
function makeField(seed: number) {
  const W1 = tf.variable(tf.randomNormal([2, 50], 0, 0.1, 'float32', 1000 + 2 * seed));
  const b1 = tf.variable(tf.zeros([50]));
  const W2 = tf.variable(tf.randomNormal([50, 2], 0, 0.1, 'float32', 1001 + 2 * seed));
  const b2 = tf.variable(tf.zeros([2]));
  const meter = { nfe: 0, peak: 0 };
  const f = (t: number, y) => {
    meter.nfe++;
    meter.peak = Math.max(meter.peak, tf.memory().numBytes);
    return tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(tf.pow(y, 3), W1), b1)), W2), b2);
  };
  return { f: Object.assign(f, { params: [W1, b1, W2, b2] }), params: [W1, b1, W2, b2], meter };
}

function segmentLoss(field, adjoint: boolean, starts: number[]) {
  const idx = tf.tensor1d(starts, 'int32');
  const y0 = tf.gather(trueY, idx); // [B, 2]
  const offsets = tf.add(tf.reshape(tf.range(0, SEG, 1, 'int32'), [SEG, 1]), idx);
  const target = tf.gather(trueY, offsets); // [SEG, B, 2]
  const pred = adjoint
    ? odeflow.odeintAdjoint(field.f, y0, segTs, { method: 'rk4' as const })
    : odeflow.odeint(field.f, y0, segTs, { method: 'rk4' as const });
  return tf.mean(tf.abs(tf.sub(pred, target)));
}

function trainSpiral(adjoint: boolean, iters = 200, lr0 = 0.01) {
  const field = makeField(0);
  const opt = tf.train.adam(lr0);
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646; // same batches for both runs
  const losses: number[] = [], nfeF: number[] = [], nfeB: number[] = [];
  const start = performance.now();
  for (let it = 1; it <= iters; it++) {
    (opt as unknown as { learningRate: number }).learningRate = 0.5 * lr0 * (1 + Math.cos((Math.PI * (it - 1)) / iters)); // cosine decay
    const starts = Array.from({ length: BATCH }, () => Math.floor(rand() * (N - SEG)));
    field.meter.nfe = 0;
    let fwd = 0;
    const { value, grads } = tf.variableGrads(() => {
      const l = segmentLoss(field, adjoint, starts);
      fwd = field.meter.nfe; // evaluations so far are the forward ones
      return l as odeflow.tf.Scalar;
    }, field.params);
    nfeF.push(fwd);
    nfeB.push(field.meter.nfe - fwd);
    opt.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    losses.push(value.dataSync()[0]);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const seconds = (performance.now() - start) / 1000;
  return { field, losses, nfeF, nfeB, seconds };
}

// %%
const bp = trainSpiral(false);
console.log(`backprop: ${bp.seconds.toFixed(1)} s, loss ${bp.losses[0].toFixed(3)} → ${bp.losses.at(-1).toFixed(3)}, NFE/iter forward ${bp.nfeF[0]}, backward ${bp.nfeB[0]}`);
const adj = trainSpiral(true);
console.log(`adjoint:  ${adj.seconds.toFixed(1)} s, loss ${adj.losses[0].toFixed(3)} → ${adj.losses.at(-1).toFixed(3)}, NFE/iter forward ${adj.nfeF[0]}, backward ${adj.nfeB[0]}`);

// %%
const iters = bp.losses.map((_, i) => i + 1);
odeflow.show({
  data: [
    { type: 'scatter', mode: 'lines', name: `backprop (${bp.seconds.toFixed(1)} s)`, x: iters, y: bp.losses },
    { type: 'scatter', mode: 'lines', name: `adjoint (${adj.seconds.toFixed(1)} s)`, x: iters, y: adj.losses },
  ],
  layout: { title: { text: 'training loss (mean |error| on the batch)' }, xaxis: { title: { text: 'iteration' } }, yaxis: { type: 'log' } },
});

// %% [markdown]
// **Reading the plot**: the loss per iteration for both gradient methods (log scale), the legend
// giving each run's wall time. The two curves nearly coincide: the adjoint gradient is the gradient of the exact flow up to
// the backward solve's error, and with RK4 at this step size the two are very close.
//
// ## The learned dynamics
//
// Each model is now solved from y(0) over the whole interval [0, 25] (forty times longer than the
// training segments), so small errors in the field show up as a phase drift. In the plot, the
// solid line is the true spiral and the dashed and dotted lines the two learned models: where
// they leave the true curve, the learned field is wrong in that region of the plane.

// %%
const whole = (field) => {
  const p = odeflow.odeint(field.f, tf.tensor2d([[2, 0]]), ts, { method: 'rk4' as const });
  return tf.reshape(p, [N, 2]).arraySync() as number[][];
};
const pb = whole(bp.field), pa = whole(adj.field);
const line = (name: string, pts: number[][], dash: 'solid' | 'dash' | 'dot' = 'solid'): odeflow.Figure['data'][number] => ({ type: 'scatter', mode: 'lines', name, x: pts.map((p) => p[0]), y: pts.map((p) => p[1]), line: { dash } });
odeflow.show({
  data: [line('true', truth), line('learned (backprop)', pb, 'dash'), line('learned (adjoint)', pa, 'dot')],
  layout: { title: { text: 'phase portrait: true vs learned' }, xaxis: { title: { text: 'y₁' } }, yaxis: { title: { text: 'y₂' }, scaleanchor: 'x' }, width: 640, height: 560 },
});

// %% [markdown]
// ## Memory and NFE as the number of steps grows
//
// One gradient of the loss over a single long segment, solved with RK4 at 10 … 320 steps.
// Backprop keeps every step's intermediate tensors on the tape until the gradient is taken, so its
// peak memory grows linearly with the steps; the adjoint keeps only the solution at the output
// times and recomputes the rest backwards, at the price of extra evaluations in the backward
// pass (a vector–Jacobian product per stage). Backprop has no backward evaluations of f at all:
// the tape replays each op's gradient. In the plot, the left panel is peak memory against the
// number of steps for each method; the right panel the evaluations of $f$: forward (the same for
// both) and the adjoint's backward ones, which grow with the steps because the backward solve
// takes as many steps, each stage adding a vector–Jacobian product.

// %%
const probeField = makeField(3);
const y0b = tf.gather(trueY, tf.tensor1d(Array.from({ length: BATCH }, (_, i) => 40 * i), 'int32'));
const memRows: { steps: number; adjoint: boolean; kB: number; nfeF: number; nfeB: number }[] = [];
for (const steps of [10, 20, 40, 80, 160, 320]) {
  for (const adjoint of [false, true]) {
    const horizon = [0, 2];
    const base = tf.memory().numBytes;
    probeField.meter.nfe = 0;
    probeField.meter.peak = base;
    let fwd = 0;
    const o = { method: 'rk4' as const, stepSize: 2 / steps };
    const { value, grads } = tf.variableGrads(() => {
      const y = adjoint ? odeflow.odeintAdjoint(probeField.f, y0b, horizon, o) : odeflow.odeint(probeField.f, y0b, horizon, o);
      fwd = probeField.meter.nfe;
      return tf.mean(tf.abs(y));
    }, probeField.params);
    probeField.meter.peak = Math.max(probeField.meter.peak, tf.memory().numBytes);
    memRows.push({ steps, adjoint, kB: (probeField.meter.peak - base) / 1024, nfeF: fwd, nfeB: probeField.meter.nfe - fwd });
    tf.dispose([value, ...Object.values(grads)]);
  }
}
console.table(memRows);

// %%
const pick = (adjoint: boolean, key: string) => memRows.filter((r) => r.adjoint === adjoint).map((r) => r[key]);
const stepsAxis = pick(false, 'steps');
odeflow.show({
  data: [
    { type: 'scatter', mode: 'lines+markers', name: 'backprop: peak memory', x: stepsAxis, y: pick(false, 'kB') },
    { type: 'scatter', mode: 'lines+markers', name: 'adjoint: peak memory', x: stepsAxis, y: pick(true, 'kB') },
    { type: 'scatter', mode: 'lines+markers', name: 'adjoint: NFE backward', x: stepsAxis, y: pick(true, 'nfeB'), xaxis: 'x2', yaxis: 'y2' },
    { type: 'scatter', mode: 'lines+markers', name: 'NFE forward (both)', x: stepsAxis, y: pick(false, 'nfeF'), xaxis: 'x2', yaxis: 'y2', line: { dash: 'dot' } },
  ],
  layout: {
    title: { text: 'one gradient: memory and evaluations vs RK4 steps' },
    grid: { rows: 1, columns: 2, pattern: 'independent' },
    xaxis: { type: 'log', title: { text: 'steps' } },
    yaxis: { type: 'log', title: { text: 'peak live tensor memory above baseline (kB)' } },
    xaxis2: { type: 'log', title: { text: 'steps' } },
    yaxis2: { type: 'log', title: { text: 'function evaluations' } },
    height: 460,
  },
});

// %% [markdown]
// ## What to try next
//
// - Train longer (`iters = 1000`) or use `examples/spiral.ts` (`npx tsx examples/spiral.ts --iters 1000`)
//   and watch the whole-trajectory fit converge.
// - Use an adaptive method (`method: 'dopri5'`) and compare forward and backward NFE: the adjoint's
//   backward solve picks its own steps (`adjointRtol`, `adjointAtol`, `adjointNorm: 'seminorm'`).
// - Measure wall time per iteration as the steps grow: the adjoint trades memory for compute.
