/**
 * VAE with flow posteriors on the binarised 8×8 digits (Rezende & Mohamed 2015, §6): diagonal
 * Gaussian vs planar K = 4, 16 vs radial K = 16 vs IAF K = 4 vs a conditional CNF (4 RK4 steps),
 * for latent sizes 2 and 8. Each model trains the same number of ELBO steps (batch 100, Adam 1e-3,
 * one posterior draw) on the 1,500 training images; reported on the 297 held-out images: the ELBO
 * (mean over `--elbo-draws` draws per image), the importance-weighted log p(x) with k = 500
 * (Burda et al. 2016), and the training time.
 * Run: `npx tsx bench/vae.ts [--latents 2,8] [--posteriors gaussian,planar4,planar16,radial16,iaf4,cnf4]
 *       [--iterations 1000] [--k 500] [--seed 0]`.
 * Also per model, one ELBO step's cost (bench/lib/cost.ts: the difference of two short counted runs
 * of 4 and 8 steps, so set-up is not in it): kernels, matMul MFLOP and the achieved GFLOP/s of the
 * timed run against the backend's matMul peak.
 * Prints a markdown table; writes bench/results/vae-<backend>-L<latents>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type BackendName, initBackend, tf } from '../src/index.js';
import { binaryDigits } from '../src/vae/data.js';
import { type PosteriorKind, trainVae, Vae, type VaeOptions } from '../src/vae/index.js';
import { type Cost, countCost, formatCost, matMulPeak } from './lib/cost.js';

const { values } = parseArgs({
  options: {
    latents: { type: 'string', default: '2,8' },
    posteriors: { type: 'string', default: 'gaussian,planar4,planar16,radial16,iaf4,cnf4' },
    iterations: { type: 'string', default: '1000' },
    k: { type: 'string', default: '500' },
    'elbo-draws': { type: 'string', default: '20' },
    seed: { type: 'string', default: '0' },
    backend: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: npx tsx bench/vae.ts [options]
  --latents L      comma list of latent sizes (default 2,8)
  --posteriors L   comma list of <kind><K>: gaussian, planarK, radialK, iafK, cnfK (default gaussian,planar4,planar16,radial16,iaf4,cnf4)
  --iterations N   ELBO steps per model (default 1000)
  --k N            importance samples of log p(x) (default 500)
  --elbo-draws N   posterior draws per image of the test ELBO (default 20)
  --seed N         seed of weights, batches and draws (default 0)`);
  process.exit(0);
}
const backend = await initBackend(values.backend as BackendName | undefined);
const latents = String(values.latents).split(',').map(Number);
const posteriors = String(values.posteriors)
  .split(',')
  .map((s) => {
    const m = /^([a-z]+)(\d*)$/.exec(s);
    if (!m) throw new Error(`--posteriors: '${s}' is not <kind><K>`);
    return { label: s, kind: m[1] as PosteriorKind, steps: m[2] ? Number(m[2]) : 1 };
  });
const iterations = Number(values.iterations);
const k = Number(values.k);
const draws = Number(values['elbo-draws']);
const seed = Number(values.seed);
const { train, test } = binaryDigits();
const rows: Record<string, unknown>[] = [];
const peak = await matMulPeak();

/** One ELBO step's cost: counted runs of 8 and 4 steps on fresh models, differenced. */
function stepCost(options: VaeOptions): Cost {
  const run = (n: number) => {
    const v = new Vae(options);
    try {
      return countCost(() => trainVae(v, train, { iterations: n, seed }));
    } finally {
      v.dispose();
    }
  };
  const [a, b] = [run(4), run(8)];
  return { kernels: (b.kernels - a.kernels) / 4, flops: (b.flops - a.flops) / 4, byName: [] };
}
const lines: string[] = [];
for (const latent of latents) {
  for (const p of posteriors) {
    const options: VaeOptions = { dataDim: 64, latent, posterior: p.kind, flowSteps: p.steps, seed };
    const cost = stepCost(options);
    const vae = new Vae(options);
    const fit = trainVae(vae, train, { iterations, seed });
    const t0 = performance.now();
    const elboT = tf.tidy(() => {
      const rep = tf.reshape(tf.tile(tf.expandDims(test, 1), [1, draws, 1]), [-1, 64]);
      return tf.mean(vae.elbo(rep, seed + 1));
    });
    const elbo = elboT.dataSync()[0];
    elboT.dispose();
    const iw = vae.iwLogLikelihood(test, k, seed + 2);
    const iwv = Array.from(iw.dataSync());
    iw.dispose();
    const logpx = iwv.reduce((a, b) => a + b, 0) / iwv.length;
    const se = Math.sqrt(iwv.reduce((a, b) => a + (b - logpx) ** 2, 0) / (iwv.length - 1) / iwv.length);
    const evalS = (performance.now() - t0) / 1000;
    const row = {
      latent,
      posterior: p.label,
      trainElbo: -fit.losses.slice(-50).reduce((a, b) => a + b, 0) / 50,
      testElbo: elbo,
      testLogPx: logpx,
      logPxStderr: se,
      trainSeconds: fit.seconds,
      msPerIteration: (1000 * fit.seconds) / iterations,
      kernelsPerIteration: cost.kernels,
      mflopPerIteration: cost.flops / 1e6,
      evalSeconds: evalS,
    };
    rows.push(row);
    const line = `| ${latent} | ${p.label} | ${elbo.toFixed(2)} | ${logpx.toFixed(2)} ± ${se.toFixed(2)} | ${(logpx - elbo).toFixed(2)} | ${fit.seconds.toFixed(0)} s (${row.msPerIteration.toFixed(0)} ms/it) |`;
    lines.push(line);
    console.error(line);
    console.error(`  one ELBO step: ${formatCost(row.msPerIteration, cost, peak)}`);
    vae.dispose();
  }
}
console.log(
  [
    `VAE on binarised digits, ${iterations} ELBO steps, batch 100, Adam 1e-3; 297 held-out images (${backend})`,
    '| latent | posterior | test ELBO | test log p(x), IW k=' + k + ' | gap | training time |',
    '|---|---|---|---|---|---|',
    ...lines,
  ].join('\n'),
);
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/vae-${backend}-L${latents.join('-')}.json`,
  `${JSON.stringify({ backend, iterations, k, elboDraws: draws, seed, matMulPeakGflops: peak.gflops, rows }, null, 1)}\n`,
);
