/**
 * A plain field call f(t, x) and the exact divergence (`divergence()`, D tangents) of
 * mlpField({ dim: D, hidden: [64, 64] }) on x [B, D], at D = 2 and 64: median ms over repeats,
 * and the largest tensor one call creates (tf.profile), which shows a [B, B, D] broadcast if one
 * happens. Prints a table and writes bench/results/field-<backend>[-<label>].json
 * (bench/results/field-wasm.json collects the before/after runs of issue 11).
 *
 *   npx tsx bench/field.ts [--batch 256] [--repeats 20] [--backend NAME] [--label TEXT]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tf } from '../solvers/tf.js';
import { type BackendName, initBackend } from '../src/backend.js';
import { divergence } from '../src/nn/divergence.js';
import { mlpField } from '../src/nn/mlp.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    repeats: { type: 'string', default: '20' },
    backend: { type: 'string' },
    label: { type: 'string', default: '' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  console.log('usage: npx tsx bench/field.ts [--batch 256] [--repeats 20] [--backend NAME] [--label TEXT]');
  process.exit(0);
}
const backend = await initBackend(values.backend as BackendName | undefined);
const batch = Number(values.batch);
const repeats = Number(values.repeats);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Median ms of `run` (after one warm-up) and the largest tensor (elements) it creates. */
async function time(run: () => tf.Tensor[]): Promise<{ ms: number; largest: number[] }> {
  tf.dispose(run());
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const out = run();
    for (const o of out) o.dataSync();
    times.push(performance.now() - t0);
    tf.dispose(out);
  }
  const profile = await tf.profile(() => run());
  tf.dispose(profile.result as tf.Tensor[]);
  let largest: number[] = [];
  for (const k of profile.kernels) {
    for (const shape of k.outputShapes) {
      if (shape && shape.reduce((a, b) => a * b, 1) > largest.reduce((a, b) => a * b, 1)) largest = shape;
    }
  }
  return { ms: median(times), largest };
}

const rows = [];
for (const dim of [2, 64]) {
  const f = mlpField({ dim, hidden: [64, 64] });
  const x = tf.randomNormal([batch, dim], 0, 1, 'float32', 7);
  const call = await time(() => [f(0.3, x)]);
  const div = await time(() => {
    const { f: v, div: d } = divergence(f, 0.3, x);
    return [v, d];
  });
  rows.push({ dim, op: 'f(t, x)', ...call }, { dim, op: 'divergence()', ...div });
  tf.dispose([x, ...f.params]);
}
console.log(`backend ${backend}, batch ${batch}, median of ${repeats} ${values.label}`);
console.log('| D | op | ms | largest tensor |\n|---|---|---|---|');
for (const r of rows) console.log(`| ${r.dim} | ${r.op} | ${r.ms.toFixed(2)} | [${r.largest.join(', ')}] |`);
const suffix = values.label ? `-${values.label.replace(/[^\w.-]+/g, '_')}` : '';
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', `field-${backend}${suffix}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ backend, batch, repeats, label: values.label, rows }, null, 2)}\n`);
