// %% [markdown]
// # 03 · A continuous normalizing flow on 2-D toy data
//
// This notebook trains an FFJORD-style continuous normalizing flow (`CNF`) on two toy densities,
// **8gaussians** and **checkerboard**, and looks at what it learned: the exact model density on a
// grid (from `logProb`, which integrates the divergence of the field), samples against data, the
// training curves, and an **animation** of points flowing from the standard normal base
// distribution to the data. To run in about a minute on 2 CPU cores the flows are small and
// trained briefly — one concatsquash field 2-64-64-2, RK4 with a fixed step instead of dopri5,
// 300 iterations of batch 200 — so the densities are recognisable but blurrier than a full run
// (`npx odeflow train --data checkerboard` trains the full FFJORD setting).

// %%
import * as odeflow from 'odeflow/node';
const tf = odeflow.tf;
const backend = await odeflow.initBackend();
odeflow.notebookSetup();
console.log(`backend: ${backend}`);

// %% [markdown]
// ## Training
//
// `train` runs Adam with decoupled weight decay, evaluates the held-out negative log-likelihood
// every 100 iterations and returns the history; the CNF reports its NFE per iteration.

// %%
const options = { dim: 2, hidden: [64, 64], T: 0.5, trainT: false, method: 'rk4' as const, stepSize: 0.125, seed: 0 };
async function fit(name: string, iterations = 300) {
  const cnf = new odeflow.CNF(options);
  const sampler = odeflow.toySampler(name, 0);
  const r = await odeflow.train(cnf, sampler, { iterations, batchSize: 200, learningRate: 5e-3, evalEvery: 100, progress: false });
  console.log(`${name}: ${r.seconds.toFixed(1)} s, held-out NLL ${r.testNll.toFixed(3)} nats`);
  return { cnf, history: r.history, data: odeflow.toyData(name, 2000, 1) };
}
const gauss = await fit('8gaussians');
const checker = await fit('checkerboard');

// %% [markdown]
// ## 8gaussians: density, samples, training curves
//
// `buildReport` is what the CLI's HTML report uses: a density heatmap from exact `logProb` on a
// grid (its title gives the grid's total mass, ≈ 1 when the density is normalised), model
// samples next to data, and the loss / NLL / NFE curves. `showAll` displays each figure.

// %%
odeflow.showAll(odeflow.buildReport(gauss.cnf, gauss.history, gauss.data, { gridN: 80 }));

// %% [markdown]
// ## checkerboard

// %%
odeflow.showAll(odeflow.buildReport(checker.cnf, checker.history, checker.data, { gridN: 80 }));

// %% [markdown]
// ## Points flowing from the base distribution to the data
//
// The CNF maps data x (t = 0) to base z (t = T). Sampling runs the field backwards: start from
// z ~ N(0, I) at t = T and solve to t = 0. `odeint` returns every intermediate time, `[frames, N, 2]`,
// which `animation` turns into plotly frames — press *play*, or drag the slider.

// %%
function flowFrames(cnf, n = 600, frames = 41) {
  const T = cnf.endTimes()[0];
  const z = tf.randomNormal([n, 2], 0, 1, 'float32', 7);
  const times = Array.from({ length: frames }, (_, i) => T * (1 - i / (frames - 1)));
  const paths = odeflow.odeint(cnf.fields[0], z, times, { method: 'rk4' as const, stepSize: 0.125 });
  return { paths, labels: times.map((t) => `t = ${t.toFixed(3)}`) };
}
for (const [name, run] of [['8gaussians', gauss], ['checkerboard', checker]] as const) {
  const { paths, labels } = flowFrames(run.cnf);
  odeflow.show(odeflow.animation(paths, { labels, title: `${name}: base N(0, I) → data` }));
  paths.dispose();
}

// %% [markdown]
// ## What to try next
//
// - Train longer (1000+ iterations) and with `method: 'dopri5'` (the default) — the NFE curve then
//   shows the dynamics getting harder to solve as the fit sharpens.
// - Add the kinetic-energy regularizer (`kinetic: 0.05`): straighter paths, fewer NFE.
// - Use `divergence: 'hutchinson'` in training (see notebook 04) and compare wall time per iteration.
// - Other toy sets: `toyNames` lists them (moons, circles, pinwheel, swissroll, rings, 2spirals).
