/**
 * The page side of the WebGL browser test, bundled by esbuild for the browser (no `node:`
 * imports may reach it): runs on tfjs's webgl backend and returns plain numbers for the Node
 * side to compare with wasm.
 */
import '@tensorflow/tfjs-backend-webgl';
import { odeint } from '../../solvers/odeint.js';
import { tf } from '../../solvers/tf.js';
import { CNF, type CnfOptions } from '../../src/cnf/index.js';
import { vanDerPol as vanDerPolProblem } from '../solvers/problems.js';

/** The Van der Pol solve both sides run. */
export const VDP_Y0 = [
  [2, 0],
  [1, 1],
  [-0.5, 2],
];
export const VDP_TS = [0, 1, 2, 3];
export const VDP_OPTIONS = { method: 'dopri5', rtol: 1e-5, atol: 1e-5 } as const;

/** What the Node side sends. */
export interface SuiteInput {
  cnf: CnfOptions;
  /** Training batch for the gradient check, [B, 2] row-major. */
  x: number[];
  /** Held-out points, [N, 2] row-major. */
  heldOut: number[];
  /** Training set the 50 iterations draw batches from, [M, 2] row-major. */
  train: number[];
  iterations: number;
  batch: number;
  lr: number;
}

/** What the page returns. */
export interface SuiteOutput {
  backend: string;
  renderer: string;
  float32: boolean;
  vanDerPol: number[];
  logProb: number[];
  loss: number;
  grads: number[];
  nllBefore: number;
  nllAfter: number;
  msPerIteration: number;
}

function renderer(): string {
  const gl = document.createElement('canvas').getContext('webgl2');
  if (!gl) return 'none';
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

async function suite(input: SuiteInput): Promise<SuiteOutput> {
  if (!(await tf.setBackend('webgl'))) throw new Error('webgl backend failed to initialise');
  await tf.ready();
  const y0 = tf.tensor2d(VDP_Y0);
  const ys = odeint(vanDerPolProblem.f, y0, VDP_TS, VDP_OPTIONS);
  const vanDerPol = Array.from(await ys.data());
  tf.dispose([y0, ys]);

  const cnf = new CNF(input.cnf);
  const x = tf.tensor2d(input.x, [input.x.length / 2, 2]);
  const held = tf.tensor2d(input.heldOut, [input.heldOut.length / 2, 2]);
  const lp = cnf.logProb(x);
  const logProb = Array.from(await lp.data());
  lp.dispose();
  const vars = [...cnf.params];
  const { value, grads } = tf.variableGrads(() => cnf.trainLoss(x).loss as tf.Scalar, vars);
  const flat: number[] = [];
  for (const v of vars) flat.push(...(await grads[v.name].data()));
  const loss = (await value.data())[0];
  tf.dispose([value, ...Object.values(grads)]);

  const nll = async () => {
    const l = tf.tidy(() => tf.neg(tf.mean(cnf.logProb(held))));
    const v = (await l.data())[0];
    l.dispose();
    return v;
  };
  const nllBefore = await nll();
  const opt = tf.train.adam(input.lr);
  const trainSet = tf.tensor2d(input.train, [input.train.length / 2, 2]);
  const n = trainSet.shape[0];
  const t0 = performance.now();
  for (let it = 0; it < input.iterations; it++) {
    const start = (it * input.batch) % (n - input.batch);
    const batch = tf.slice(trainSet, [start, 0], [input.batch, 2]);
    const cost = opt.minimize(() => cnf.trainLoss(batch).loss as tf.Scalar, true, vars);
    await cost?.data();
    tf.dispose([batch, cost as tf.Tensor]);
  }
  const msPerIteration = (performance.now() - t0) / input.iterations;
  const nllAfter = await nll();
  opt.dispose();
  tf.dispose([x, held, trainSet]);
  cnf.dispose();
  return {
    backend: tf.getBackend(),
    renderer: renderer(),
    float32: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'),
    vanDerPol,
    logProb,
    loss,
    grads: flat,
    nllBefore,
    nllAfter,
    msPerIteration,
  };
}

(globalThis as unknown as { odeflowSuite: typeof suite }).odeflowSuite = suite;
