/**
 * Events and per-sample time points: wall time and accuracy.
 * - per-sample: an MLP field (2-32-32-2, tanh) on a batch of B rows, each with T random times in
 *   (0, 2]; one `odeint` with `ts` [B, T] against B separate solves (dopri5 1e-5), and the largest
 *   difference between the two;
 * - events: B bouncing balls (restitution 0.8, 5 bounces) with `odeintEvent`; time per bounce
 *   solve, NFE, and the largest error of the bounce times against the closed form.
 * Run: `npx tsx bench/events.ts [--batch 64] [--times 20] [--backend wasm]`. Writes
 * bench/results/events-<backend>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { bounce } from '../examples/bouncing-ball.js';
import { type BackendName, initBackend, mlpField, odeint, tf } from '../src/index.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    times: { type: 'string', default: '20' },
    backend: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('usage: npx tsx bench/events.ts [--batch B (64)] [--times T (20)] [--backend NAME]');
  process.exit(0);
}
const backend = await initBackend(values.backend as BackendName | undefined);
const B = Number(values.batch);
const T = Number(values.times);

// per-sample time points
const field = mlpField({ dim: 2, hidden: [32, 32], activation: 'tanh', seed: 1 });
let s = 12345;
const rand = () => {
  s = (s * 1103515245 + 12345) % 2147483648;
  return s / 2147483648;
};
const ts = Array.from({ length: B }, () => [
  0,
  ...[...new Set(Array.from({ length: T - 1 }, () => Math.round(2e6 * rand() + 1) / 1e6))].sort(
    (a, b) => a - b,
  ),
]).map((r) => r.slice(0, T));
const rect = ts.every((r) => r.length === T);
if (!rect) throw new Error('duplicate random times: change the seed');
const y0 = tf.randomNormal([B, 2], 0, 1, 'float32', 3);
const opts = { rtol: 1e-5, atol: 1e-6 } as const;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const timeIt = (f: () => void, reps = 3) =>
  median(
    Array.from({ length: reps }, () => {
      const t0 = performance.now();
      f();
      return performance.now() - t0;
    }),
  );
let joint: number[][][] = [];
const msJoint = timeIt(() => {
  const out = odeint(field, y0, ts, opts);
  joint = out.arraySync() as number[][][];
  out.dispose();
});
let maxDiff = 0;
const msSeparate = timeIt(() => {
  maxDiff = 0;
  for (let b = 0; b < B; b++) {
    const out = tf.tidy(() => odeint(field, tf.slice(y0, [b, 0], [1, 2]), ts[b], opts));
    const v = out.arraySync() as number[][][];
    out.dispose();
    for (let j = 0; j < T; j++)
      for (let k = 0; k < 2; k++) maxDiff = Math.max(maxDiff, Math.abs(v[j][0][k] - joint[j][b][k]));
  }
});

// events: bouncing balls
const heights = Array.from({ length: B }, (_, i) => 1 + (9 * i) / Math.max(1, B - 1));
let bounceErr = 0;
const msBounce = timeIt(() => {
  const { times } = bounce({ heights, restitution: 0.8, bounces: 5 });
  bounceErr = 0;
  heights.forEach((h, b) => {
    const t1 = Math.sqrt((2 * h) / 9.81);
    let t = t1;
    for (let k = 0; k < 5; k++) {
      bounceErr = Math.max(bounceErr, Math.abs(times[b][k] - t) / t);
      t += (2 * 0.8 ** (k + 1) * 9.81 * t1) / 9.81;
    }
  });
});

const load = loadavg().map((x) => Number(x.toFixed(2)));
const rows = {
  perSample: {
    batch: B,
    times: T,
    msOneSolve: msJoint,
    msSeparateSolves: msSeparate,
    maxDifference: maxDiff,
  },
  events: { balls: B, bounces: 5, msTotal: msBounce, maxRelativeBounceTimeError: bounceErr },
};
console.log(`backend ${backend}; load average ${load.join(', ')} (2 cores shared: times are upper bounds)`);
console.log('| what | B | one solve (ms) | B separate solves (ms) | max |difference| |');
console.log('|---|---|---|---|---|');
console.log(
  `| per-sample times, T = ${T} | ${B} | ${msJoint.toFixed(0)} | ${msSeparate.toFixed(0)} | ${maxDiff.toExponential(1)} |`,
);
console.log('| what | balls | 5 bounces (ms) | max relative bounce-time error vs closed form |');
console.log('|---|---|---|---|');
console.log(
  `| odeintEvent, dopri5 rtol 1e-6 | ${B} | ${msBounce.toFixed(0)} | ${bounceErr.toExponential(1)} |`,
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL(`./results/events-${backend}.json`, import.meta.url);
writeFileSync(
  file,
  `${JSON.stringify({ backend, date: new Date().toISOString(), load, ...rows }, null, 2)}\n`,
);
console.log(`wrote ${file.pathname}`);
