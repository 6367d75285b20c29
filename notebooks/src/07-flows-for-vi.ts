// %% [markdown]
// # 07 · Flows for variational inference: energy fits and a VAE with flow posteriors
//
// Rezende & Mohamed (2015) introduced planar and radial flows to make variational posteriors
// richer than a diagonal Gaussian. This notebook retraces the paper's two experiments at toy
// scale: (1) fitting a flow q to an **unnormalised** density p̃(z) = exp(−U(z)) by minimising the
// reverse KL, E_q[log q(z) + U(z)] = KL(q‖p) − log Z, with samples drawn and scored in one pass
// (`sampleAndLogProb`); and (2) a **VAE** on binarised 8×8 digits whose posterior is a Gaussian
// followed by flow steps. Runs are short (a minute or two on 2 CPU cores); the full tables come
// from `bench/energy-fits.ts` and `bench/vae.ts` (see the README).

// %%
import * as odeflow from 'odeflow/node';
const tf = odeflow.tf;
const backend = await odeflow.initBackend();
odeflow.notebookSetup();
console.log(`backend: ${backend}`);

// %% [markdown]
// ## The four energies
//
// `ENERGIES` holds U1–U4 of the paper's Table 1 as data. U2–U4 as printed do not decay along z1
// (they are not normalisable on the plane), so odeflow adds a steep quadratic wall outside the
// paper's window |z1| ≤ 4, which changes nothing inside it. `logPartition` integrates exp(−U) on a
// fine grid, so every KL below is exact up to its Monte-Carlo error.

// %%
const panels = [];
const names = odeflow.ENERGY_NAMES;
names.forEach((name, col) => {
  const e = odeflow.ENERGIES[name];
  const n = 100;
  const axis = Array.from({ length: n }, (_, i) => e.range[0] + ((i + 0.5) * (e.range[1] - e.range[0])) / n);
  const pts = axis.flatMap((y) => axis.flatMap((x) => [x, y]));
  const u = tf.tidy(() => e.U(tf.tensor2d(pts, [n * n, 2])));
  const logZ = odeflow.logPartition(e);
  panels.push({ row: 0, col, axis, logp: Array.from(u.dataSync(), (v) => -v - logZ), caption: `log Z ${logZ.toFixed(3)}` });
  u.dispose();
});
odeflow.show(odeflow.densityPanels(panels, { rowLabels: ['exp(−U)/Z'], colLabels: names.map((s) => s.toUpperCase()), panelSize: 220 }));

// %% [markdown]
// ## Reverse-KL fits to U1
//
// A planar flow with K = 8 steps, a radial flow with K = 8, and a small CNF (a tanh field, 8 RK4
// steps) — each `energyFitModel(...)`, each fitted by `fitReverseKl` for 300 steps. The flows'
// densities come from `logProb` on a grid (the planar and radial inverses are root solves).

// %%
const e1 = odeflow.ENERGIES.u1;
const logZ1 = odeflow.logPartition(e1);
const fitted = [];
for (const kind of ['planar', 'radial', 'cnf'] as const) {
  const model = odeflow.energyFitModel(kind, { steps: 8, seed: 0 });
  const fit = odeflow.fitReverseKl(model, e1.U, { iterations: 300, batch: 128, seed: 1 });
  const kl = odeflow.klEstimate(model, e1.U, logZ1, { n: 5000 });
  const g = odeflow.gridLogProb(model, { range: e1.range, n: 80 });
  fitted.push({ kind, kl, seconds: fit.seconds, g, losses: fit.losses });
  console.log(`${kind}: KL ${kl.kl.toFixed(3)} ± ${kl.stderr.toFixed(3)} nats after ${fit.seconds.toFixed(1)} s`);
  model.dispose();
}
odeflow.show(
  odeflow.densityPanels(
    fitted.map((f, col) => ({ row: 0, col, axis: f.g.axis, logp: f.g.logp, caption: `KL ${f.kl.kl.toFixed(3)}` })),
    { rowLabels: ['U1'], colLabels: fitted.map((f) => f.kind), panelSize: 240 },
  ),
);

// %% [markdown]
// ## A VAE with a flow posterior
//
// `Vae` is an encoder (μ, log σ and features h of an image), K posterior flow steps whose
// parameters depend on h (amortised planar/radial, IAF with a context, or a CNF with f(t, z, h)),
// and a Bernoulli decoder. Here: a 2-D latent, a diagonal Gaussian against planar K = 8, 400 ELBO
// steps each, then the held-out ELBO and an importance-weighted log p(x) (k = 100, 60 images).

// %%
const { train, test } = odeflow.binaryDigits();
const few = tf.slice(test, [0, 0], [60, -1]);
const vaes: Record<string, odeflow.Vae> = {};
for (const posterior of ['gaussian', 'planar'] as const) {
  const vae = new odeflow.Vae({ dataDim: 64, latent: 2, posterior, flowSteps: 8 });
  const fit = odeflow.trainVae(vae, train, { iterations: 400 });
  const elbo = tf.tidy(() => tf.mean(vae.elbo(few, 1))).dataSync()[0];
  const iw = tf.tidy(() => tf.mean(vae.iwLogLikelihood(few, 100, 2))).dataSync()[0];
  console.log(`${posterior}: ELBO ${elbo.toFixed(2)}, log p(x) ≥ ${iw.toFixed(2)} (IW k=100), ${fit.seconds.toFixed(1)} s`);
  vaes[posterior] = vae;
}

// %% [markdown]
// Reconstructions and samples of the planar-posterior VAE, then its per-image posteriors
// q(z | x) over the 2-D latent: with flow steps they need not be elliptical.

// %%
const vae = vaes.planar;
odeflow.show(
  odeflow.imageGrid(
    [
      { images: tf.slice(test, [0, 0], [16, -1]), title: 'held-out' },
      { images: vae.reconstruct(tf.slice(test, [0, 0], [16, -1]), 3), title: 'reconstructions' },
    ],
    { shape: [8, 8], cols: 8, zmax: 1, title: 'reconstructions' },
  ),
);
odeflow.show(odeflow.imageGrid(vae.sampleMeans(32, 4), { shape: [8, 8], cols: 8, zmax: 1, title: 'samples' }));
const n = 80;
const axis = Array.from({ length: n }, (_, i) => -4 + ((i + 0.5) * 8) / n);
const grid = tf.tensor2d(axis.flatMap((b) => axis.flatMap((a) => [a, b])), [n * n, 2]);
const grids = [0, 1, 2, 3].map((i) => {
  const lq = tf.tidy(() => vae.posteriorLogProb(tf.tile(tf.slice(test, [i, 0], [1, -1]), [n * n, 1]), grid));
  return { axis, logq: lq.dataSync(), name: `image ${i}` };
});
odeflow.show(odeflow.posteriorContours(grids));
