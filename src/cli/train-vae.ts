/** `odeflow train --model vae`: a VAE with a flow posterior on the binarised 8×8 digits. */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tf } from '../../solvers/tf.js';
import { digitsData, digitsSplit, loadDigits } from '../data/digits.js';
import { writeHtml } from '../plot/html.js';
import { imageGrid } from '../plot/image-grid.js';
import { latentScatter, lossCurve, type PosteriorGrid, posteriorContours } from '../plot/latent.js';
import { binarise, POSTERIOR_KINDS, trainVae, Vae, VaeDivergedError } from '../vae/index.js';
import { backend, choice, num, parse, str, type ViIO } from './flags.js';
import { FlagError } from './model-flags.js';

/** Help text of `train --model vae`. */
export const TRAIN_VAE_HELP = `usage: tsx src/cli.ts train --data digits --model vae [options]

Trains a VAE with a Bernoulli decoder on the binarised 8×8 digits (pixel/16 > 0.5), by the ELBO
with one reparameterised draw per image: encoder → N(μ, σ) → K posterior flow steps → decoder.
Reports the held-out ELBO and the importance-weighted log p(x) (k draws) on the 297 held-out
images, and writes --out/report.html (reconstructions, samples; for --latent 2 the aggregate
posterior and per-image posterior contours) and --out/vae.json. The weights are not checkpointed.

options:
  --posterior KIND   ${POSTERIOR_KINDS.join(', ')} (default planar)
  --flow-steps K     posterior flow steps (planar/radial/IAF layers; CNF: RK4 steps) (default 4)
  --latent L         latent dimension (default 2)
  --iters N          ELBO steps (default 1000)
  --batch B          images per step (default 100)
  --lr LR            Adam step size (default 1e-3)
  --k N              importance samples of log p(x) (default 500)
  --seed S           seed of split, weights and draws (default 0)
  --out DIR          run directory (default runs/digits-vae-<posterior>)
  --backend NAME     tensorflow, wasm, cpu, webgl, webgpu (default: automatic)
  --quiet            no progress lines
  -h, --help         this text`;

/** Whether `train`'s arguments ask for the VAE (`--model vae` or `--model=vae`). */
export function wantsVae(args: readonly string[]): boolean {
  return args.some((a, i) => a === '--model=vae' || (a === '--model' && args[i + 1] === 'vae'));
}

/** Runs `train --model vae`; resolves to the exit status. */
export async function cmdTrainVae(args: string[], io: ViIO): Promise<number> {
  const flags = parse(args, {
    data: 'string',
    model: 'string',
    posterior: 'string',
    'flow-steps': 'string',
    latent: 'string',
    iters: 'string',
    batch: 'string',
    lr: 'string',
    k: 'string',
    seed: 'string',
    out: 'string',
    backend: 'string',
    quiet: 'boolean',
  });
  if (flags.help) {
    io.stdout.write(`${TRAIN_VAE_HELP}\n`);
    return 0;
  }
  const data = str(flags, 'data') ?? 'digits';
  if (data !== 'digits')
    throw new FlagError(`--model vae trains on --data digits (binarised), not '${data}'`);
  const posterior = choice(flags, 'posterior', POSTERIOR_KINDS) ?? 'planar';
  const flowSteps = num(flags, 'flow-steps', 4, 'int');
  const latent = num(flags, 'latent', 2, 'int');
  const iterations = num(flags, 'iters', 1000, 'int');
  const batch = num(flags, 'batch', 100, 'int');
  const lr = num(flags, 'lr', 1e-3);
  const k = num(flags, 'k', 500, 'int');
  const seed = num(flags, 'seed', 0, 'nonneg-int');
  const out = resolve(str(flags, 'out') ?? join('runs', `digits-vae-${posterior}`));
  await backend(flags, io);
  const split = digitsData({ seed });
  const train = binarise(split.train);
  const test = binarise(split.test);
  const testLabels = heldOutLabels(seed);
  tf.dispose([split.train, split.test]);
  const vae = new Vae({ dataDim: 64, latent, posterior, flowSteps, seed });
  io.stderr.write(
    `training vae (${posterior}${posterior === 'gaussian' ? '' : `, K=${flowSteps}`}, latent ${latent}) on binarised digits: ${iterations} steps, batch ${batch}, lr ${lr} → ${out}\n`,
  );
  try {
    const every = Math.max(1, Math.floor(iterations / 10));
    const fit = trainVae(vae, train, {
      iterations,
      batch,
      learningRate: lr,
      seed,
      onStep: (it, loss) => {
        if (!flags.quiet && (it + 1) % every === 0)
          io.stderr.write(`step ${it + 1}/${iterations}: −ELBO ${loss.toFixed(3)}\n`);
      },
    });
    const elboT = tf.tidy(() =>
      tf.mean(vae.elbo(tf.reshape(tf.tile(tf.expandDims(test, 1), [1, 20, 1]), [-1, 64]), seed + 1)),
    );
    const elbo = elboT.dataSync()[0];
    elboT.dispose();
    const iw = vae.iwLogLikelihood(test, k, seed + 2);
    const logPx = (iw.dataSync() as Float32Array).reduce((a, b) => a + b, 0) / iw.shape[0];
    iw.dispose();
    const figs = [lossCurve(fit.losses, 'training: −ELBO per step', '−ELBO')];
    const first = tf.slice(test, [0, 0], [32, -1]);
    const recon = vae.reconstruct(first, seed + 3);
    const samples = vae.sampleMeans(64, seed + 4);
    figs.push(
      imageGrid(
        [
          { images: first, title: 'held-out images' },
          { images: recon, title: 'reconstructions (Bernoulli means)' },
        ],
        { shape: [8, 8], cols: 8, zmax: 1, title: 'reconstructions' },
      ),
      imageGrid(samples, {
        shape: [8, 8],
        cols: 8,
        zmax: 1,
        title: 'samples (decoder means of prior draws)',
      }),
    );
    tf.dispose([first, recon, samples]);
    if (latent === 2) figs.push(...latentFigures(vae, test, testLabels, seed));
    const notes = [
      `posterior ${posterior}${posterior === 'gaussian' ? '' : ` K=${flowSteps}`}, latent ${latent}; ${iterations} steps in ${fit.seconds.toFixed(1)} s`,
      `held-out ELBO ${elbo.toFixed(3)} nats, importance-weighted log p(x) ${logPx.toFixed(3)} nats (k = ${k}), 297 images`,
    ];
    writeHtml(join(out, 'report.html'), figs, {
      title: `odeflow: VAE (${posterior}) on binarised digits`,
      notes,
    });
    writeFileSync(
      join(out, 'vae.json'),
      `${JSON.stringify({ config: vae.config(), iterations, batch, lr, k, testElbo: elbo, testLogPx: logPx, seconds: fit.seconds }, null, 1)}\n`,
    );
    io.stdout.write(
      `held-out ELBO ${elbo.toFixed(3)}, log p(x) ${logPx.toFixed(3)} (IW, k=${k}); report: ${join(out, 'report.html')}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof VaeDivergedError) {
      io.stderr.write(`error: ${err.message}; try a smaller --lr\n`);
      return 1;
    }
    throw err;
  } finally {
    tf.dispose([train, test]);
    vae.dispose();
  }
}

/** The labels of the held-out images, in the order `digitsData` returns them. */
function heldOutLabels(seed: number): number[] {
  const labels = loadDigits().labels;
  return digitsSplit({ seed }).test.map((i) => labels[i]);
}

/** The aggregate posterior (one draw per held-out image) and contours of q(z | x) for 6 images. */
function latentFigures(vae: Vae, test: tf.Tensor, labels: number[], seed: number) {
  const draw = vae.samplePosterior(test, seed + 5);
  const zs = draw.z.arraySync() as number[][];
  tf.dispose([draw.z, draw.logQ]);
  const lim = Math.min(6, Math.max(3, ...zs.flat().map((v) => Math.abs(v))));
  const n = 90;
  const axis = Array.from({ length: n }, (_, i) => -lim + ((i + 0.5) * 2 * lim) / n);
  const grid = tf.tensor2d(
    axis.flatMap((b) => axis.flatMap((a) => [a, b])),
    [n * n, 2],
  );
  const grids: PosteriorGrid[] = [];
  for (let i = 0; i < 6; i++) {
    const lq = tf.tidy(() =>
      vae.posteriorLogProb(tf.tile(tf.slice(test, [i, 0], [1, -1]), [n * n, 1]), grid),
    );
    grids.push({ axis, logq: lq.dataSync(), name: `image ${i} (digit ${labels[i]})` });
    lq.dispose();
  }
  grid.dispose();
  return [
    latentScatter(zs, labels, 'aggregate posterior: one draw of q(z | x) per held-out image'),
    posteriorContours(grids),
  ];
}
