/**
 * Where the kernels of one CNF gradient step come from (FFJORD setting, batch 100, exact
 * divergence, backprop): every `engine.runKernel` call is attributed to the first source file of
 * this repository on its stack (or to tfjs's engine when there is none; "[autodiff grad of]" when
 * a registered tfjs gradient is on the stack). Slow (a stack trace per kernel): a profiling aid.
 *
 *   npx tsx bench/kernel-sources.ts [--batch 100] [--top 30]
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tf } from '../solvers/tf.js';
import { initBackend } from '../src/backend.js';
import { CNF, FFJORD_TOY } from '../src/cnf/index.js';
import { toySampler } from '../src/data/index.js';
import { shardGradient } from '../src/train/shard-gradient.js';

const { values } = parseArgs({
  options: { batch: { type: 'string', default: '100' }, top: { type: 'string', default: '30' } },
});
await initBackend('wasm');
const root = `${resolve(dirname(fileURLToPath(import.meta.url)), '..')}/`;
const cnf = new CNF({ dim: 2, ...FFJORD_TOY, divergence: 'exact', gradient: 'backprop', seed: 0 });
const x = toySampler('8gaussians', 0)(Number(values.batch), 1);
shardGradient(cnf, x);
const engine = tf.engine() as unknown as { runKernel: (...a: unknown[]) => unknown };
const original = engine.runKernel;
const where = new Map<string, number>();
let total = 0;
engine.runKernel = function (this: unknown, ...a: unknown[]) {
  total++;
  const stack = (new Error().stack ?? '').split('\n').slice(2);
  const own = stack.find(
    (l) => l.includes(root) && /\/(src|solvers)\//.test(l) && !/generated|tfjs-/.test(l),
  );
  const viaGrad = stack.some((l) => l.includes('generated/tfjs-gradients'));
  const file = own ? own.slice(own.indexOf(root) + root.length).replace(/:\d+:\d+\)?$/, '') : 'engine';
  const key = `${viaGrad ? '[autodiff grad of] ' : ''}${file}\t${a[0]}`;
  where.set(key, (where.get(key) ?? 0) + 1);
  return original.apply(this, a);
};
let nfe = 0;
try {
  nfe = Number(shardGradient(cnf, x).info.nfe);
} finally {
  engine.runKernel = original;
}
console.log(`one gradient step, batch ${values.batch}: ${total} kernels, NFE ${nfe}`);
const byFile = new Map<string, number>();
for (const [k, n] of where) byFile.set(k.split('\t')[0], (byFile.get(k.split('\t')[0]) ?? 0) + n);
for (const [k, n] of [...byFile].sort((p, q) => q[1] - p[1])) console.log(String(n).padStart(6), k);
console.log('\nby source and kernel:');
for (const [k, n] of [...where].sort((p, q) => q[1] - p[1]).slice(0, Number(values.top))) {
  console.log(String(n).padStart(6), k.replace('\t', '  '));
}
x.dispose();
cnf.dispose();
