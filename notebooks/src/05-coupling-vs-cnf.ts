// %% [markdown]
// # 05 · Discrete flows vs a CNF on 2spirals
//
// This notebook trains four density models on the **2spirals** toy data with the same training
// loop (`train`: Adam with decoupled weight decay, batch 200, held-out NLL every 50 iterations):
// three discrete flows — **RealNVP** (affine couplings), **Glow** (ActNorm + LU-decomposed linear
// + coupling) and **MAF** (masked autoregressive) — and a **CNF**. It shows their densities side by
// side and the held-out negative log-likelihood against wall time, which is the fair axis: a CNF
// iteration costs many network evaluations, a coupling-flow iteration one pass. Budgets are short
// so the notebook runs in about a minute on 2 CPU cores (400 iterations per discrete flow,
// 250 for the CNF with RK4 at a fixed step); the ranking after a short budget is the point, not
// the final quality.

// %%
import * as odeflow from 'odeflow/node';
const tf = odeflow.tf;
const backend = await odeflow.initBackend();
odeflow.notebookSetup();
console.log(`backend: ${backend}`);

// %%
const DATA = '2spirals';
const testData = odeflow.toyData(DATA, 2000, 99); // the same held-out set for every model
const models = [
  { name: 'RealNVP', iterations: 400, make: () => odeflow.realNVP({ dim: 2, layers: 8, hidden: [64, 64], seed: 0 }) },
  { name: 'Glow', iterations: 400, make: () => odeflow.glow({ dim: 2, steps: 4, hidden: [64, 64], seed: 0 }) },
  { name: 'MAF', iterations: 400, make: () => odeflow.maf({ dim: 2, layers: 5, hidden: [64, 64], seed: 0 }) },
  {
    name: 'CNF',
    iterations: 250,
    make: () => new odeflow.CNF({ dim: 2, hidden: [64, 64], T: 0.5, trainT: false, method: 'rk4' as const, stepSize: 0.125, seed: 0 }),
  },
];
const results: { name: string; model: odeflow.DensityModel; history: odeflow.IterationRecord[]; seconds: number; nll: number }[] = [];
for (const m of models) {
  const model = m.make();
  const r = await odeflow.train(model, odeflow.toySampler(DATA, 0), {
    iterations: m.iterations, batchSize: 200, learningRate: 5e-3, evalEvery: 50, testData, progress: false,
  });
  const params = model.params.reduce((n, p) => n + p.size, 0);
  console.log(`${m.name.padEnd(8)} ${String(params).padStart(6)} parameters  ${r.seconds.toFixed(1).padStart(5)} s  held-out NLL ${r.testNll.toFixed(3)}`);
  results.push({ name: m.name, model, history: r.history, seconds: r.seconds, nll: r.testNll });
}

// %% [markdown]
// ## Densities side by side
//
// Each heatmap is the model's exact density on a 70 × 70 grid; the title's grid mass should be
// close to 1 (the density integrates to one), less where mass leaks outside the square.

// %%
odeflow.showAll(results.map((r) => odeflow.densityHeatmap(r.model, { n: 70, title: `${r.name}: NLL ${r.nll.toFixed(3)}` })));
odeflow.show(odeflow.samplesVsData(results[3].model.sample(1500, 1), testData, { title: '2spirals: data vs CNF samples' }));

// %% [markdown]
// ## Held-out NLL against wall time

// %%
odeflow.show({
  data: results.map((r) => {
    const evals = r.history.filter((h) => h.testNll !== undefined);
    return {
      type: 'scatter', mode: 'lines+markers', name: r.name,
      x: evals.map((h) => h.elapsed), y: evals.map((h) => h.testNll),
      text: evals.map((h) => `iteration ${h.iteration}`),
    };
  }),
  layout: {
    title: { text: `${DATA}: held-out NLL vs wall time (${backend})` },
    xaxis: { title: { text: 'seconds of training' } },
    yaxis: { title: { text: 'NLL (nats per point)' } },
    height: 460,
  },
});

// %% [markdown]
// ## What to try next
//
// - Give every model the same wall-clock budget (`onIteration` in `train` can stop a run after N
//   seconds by returning `false`) and compare again.
// - Make the CNF adaptive (`method: 'dopri5'`, the default) and train it for 1000 iterations: it
//   usually ends with the best NLL of the four, at a much higher cost per iteration.
// - Try `nice`, `planar` and `radial` flows, or deeper couplings (`layers: 16`).
// - Swap the data: `toyNames` lists the toy densities (checkerboard is hard for couplings).
