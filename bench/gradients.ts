/**
 * Gradients through ODE solves: time and peak memory of backpropagation through `odeint` vs the
 * adjoint method (`odeintAdjoint`) as the number of fixed steps grows, plus the adjoint's backward
 * NFE with the RMS norm vs the seminorm on an adaptive solve. Prints tables and writes
 * bench/results/gradients-<backend>.json.
 *
 *   npx tsx bench/gradients.ts [--steps 10,100,1000] [--repeats 3] [--batch 64] [--hidden 64] [--backend NAME]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { odeintAdjoint } from '../solvers/adjoint.js';
import { odeint } from '../solvers/odeint.js';
import { type Tensor, tf } from '../solvers/tf.js';
import type { OdeintOptions, SolveStats } from '../solvers/types.js';
import { type BackendName, initBackend } from '../src/backend.js';
import { formatTable } from './table.js';

const HELP = `Time and peak memory of gradients through ODE solves: backprop vs adjoint vs steps.

usage: npx tsx bench/gradients.ts [options]
  --steps LIST     rk4 step counts on t ∈ [0, 1] (default 10,100,1000)
  --repeats N      timed repeats per cell; the median is reported (default 3)
  --batch N        points in the state [N, 2] (default 64)
  --hidden N       hidden units of the tanh MLP field 2-N-2 (default 64)
  --backend NAME   wasm | cpu | tensorflow (default: initBackend's choice)
  --help           this text`;

interface Row {
  mode: 'backprop' | 'adjoint';
  steps: number;
  ms: number;
  peakTensors: number;
  peakBytes: number;
}

function field(hidden: number) {
  const W1 = tf.tidy(() => tf.variable(tf.randomNormal([2, hidden], 0, 1 / Math.sqrt(2), 'float32', 1001)));
  const b1 = tf.tidy(() => tf.variable(tf.randomNormal([hidden], 0, 0.3, 'float32', 1002)));
  const W2 = tf.tidy(() =>
    tf.variable(tf.randomNormal([hidden, 2], 0, 1 / Math.sqrt(hidden), 'float32', 1003)),
  );
  const params = [W1, b1, W2];
  let peakTensors = 0;
  let peakBytes = 0;
  const f = (_t: number, y: Tensor): Tensor => {
    const m = tf.memory();
    peakTensors = Math.max(peakTensors, m.numTensors);
    peakBytes = Math.max(peakBytes, m.numBytes);
    return tf.matMul(tf.tanh(tf.add(tf.matMul(y, W1), b1)), W2);
  };
  return {
    f: Object.assign(f, { params }),
    params,
    peaks: () => ({ peakTensors, peakBytes }),
    resetPeaks: () => {
      peakTensors = 0;
      peakBytes = 0;
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      steps: { type: 'string' },
      repeats: { type: 'string' },
      batch: { type: 'string' },
      hidden: { type: 'string' },
      backend: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const backend = await initBackend(values.backend as BackendName | undefined);
  const stepList = (values.steps ?? '10,100,1000').split(',').map(Number);
  const repeats = Number(values.repeats ?? 3);
  const batch = Number(values.batch ?? 64);
  const hidden = Number(values.hidden ?? 64);
  const m = field(hidden);
  const y0 = tf.randomNormal([batch, 2], 0, 1, 'float32', 1004);
  const vars = m.params as tf.Variable[];

  const gradient = (solve: () => Tensor) => {
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(solve())), vars);
    const g = grads[vars[0].name].dataSync()[0]; // wait for the backend
    tf.dispose([value, ...Object.values(grads)]);
    return g;
  };
  const rows: Row[] = [];
  for (const steps of stepList) {
    const o: OdeintOptions = { method: 'rk4', stepSize: 1 / steps };
    for (const mode of ['backprop', 'adjoint'] as const) {
      const solve = () =>
        mode === 'backprop' ? odeint(m.f, y0, [0, 1], o) : odeintAdjoint(m.f, y0, [0, 1], o);
      gradient(solve); // warm-up
      const before = tf.memory();
      m.resetPeaks();
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const t0 = performance.now();
        gradient(solve);
        times.push(performance.now() - t0);
      }
      const { peakTensors, peakBytes } = m.peaks();
      rows.push({
        mode,
        steps,
        ms: median(times),
        peakTensors: peakTensors - before.numTensors,
        peakBytes: peakBytes - before.numBytes,
      });
    }
  }
  console.log(
    `backend ${backend}; tanh MLP 2-${hidden}-2 on [${batch}, 2]; rk4 on t ∈ [0, 1]; gradient of Σ y(1)²`,
  );
  console.log(
    formatTable(
      ['mode', 'steps', 'ms/gradient', 'peak live tensors', 'peak bytes'],
      rows.map((r) => [r.mode, String(r.steps), r.ms.toFixed(1), String(r.peakTensors), String(r.peakBytes)]),
      ['mode'],
    ),
  );

  // adaptive: backward NFE with the full RMS norm vs the seminorm
  const adaptive: Record<string, { ms: number; forward: SolveStats; backward: SolveStats }> = {};
  for (const norm of ['rms', 'seminorm'] as const) {
    let fwd: SolveStats = { nfe: 0, steps: 0, rejected: 0 };
    let bwd: SolveStats = { nfe: 0, steps: 0, rejected: 0 };
    const solve = () =>
      odeintAdjoint(m.f, y0, [0, 2, 4, 6], {
        rtol: 1e-5,
        atol: 1e-5,
        adjointNorm: norm,
        onForwardStats: (s) => {
          fwd = s;
        },
        onBackwardStats: (s) => {
          bwd = s;
        },
      });
    gradient(solve);
    const t0 = performance.now();
    gradient(solve);
    adaptive[norm] = { ms: performance.now() - t0, forward: fwd, backward: bwd };
  }
  console.log('\nadjoint, dopri5 rtol = atol = 1e-5, ts = [0, 2, 4, 6]:');
  for (const [norm, r] of Object.entries(adaptive)) {
    console.log(
      `${norm.padEnd(9)} forward NFE ${r.forward.nfe}, backward NFE ${r.backward.nfe} (${r.backward.steps} steps, ${r.backward.rejected} rejected), ${r.ms.toFixed(0)} ms`,
    );
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', `gradients-${backend}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        backend,
        date: new Date().toISOString(),
        problem: { field: `tanh MLP 2-${hidden}-2`, batch, method: 'rk4', span: [0, 1], repeats },
        fixed: rows,
        adaptive,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
  tf.dispose([y0, ...m.params]);
}

await main();
