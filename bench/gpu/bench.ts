/**
 * GPU benchmark in Node: webgpu (Dawn) beside wasm (and cpu on request). matMul GFLOP/s (n = 512
 * … 4096), CNF training iteration time in FFJORD's setting at batch 100, 1 000, 10 000, and
 * flow-matching (I-CFM) iteration time at batch 128 … 65 536 — the rows of bench/gpu/rows.ts.
 * Every read is asynchronous (WebGPU in Node has no synchronous reads): the CNF step chooses its
 * steps with an async solve, then replays them under the tape. Rows that would start after the
 * time budget are recorded as skipped, with the reason.
 *
 *   npx tsx bench/gpu/bench.ts [--backends webgpu,wasm] [--small] [--budget-s 420] [--out FILE]
 *                              [--only matmul,cnf-ffjord,flow-matching]
 *
 * --small: the sizes a software rasteriser (lavapipe) gets through: matMul ≤ 1024, CNF batch
 * ≤ 1000, flow matching ≤ 8192. Bundled into the kit by bench/gpu/pack.sh.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tf } from '../../solvers/tf.js';
import { installNodeWebGpu, type WebGpuAdapterDescription } from '../../src/backend/webgpu-node.js';
import { initBackend } from '../../src/backend.js';
import { benchSizes, type ErrorScopes, type Row, runRows } from './rows.js';

const argv = process.argv.slice(2);
const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const small = argv.includes('--small');
const backends = (arg('--backends') ?? 'webgpu,wasm').split(',') as Array<'webgpu' | 'wasm' | 'cpu'>;
const budgetMs = Number(arg('--budget-s') ?? 420) * 1000;
const out = arg('--out') ?? 'bench/results/gpu.json';
const wasmPaths = arg('--wasm-paths');
const only = arg('--only')?.split(',');
const t0 = performance.now();
const left = () => budgetMs - (performance.now() - t0);

const rows: Row[] = [];
let adapter: WebGpuAdapterDescription | { error: string } | null = null;
for (const backend of backends) {
  try {
    if (backend === 'webgpu') {
      adapter = await installNodeWebGpu();
      // a literal import, so that esbuild bundles the backend into the kit (odeflow's own import
      // of this optional package is hidden from bundlers); it registers itself now that navigator.gpu exists
      await import('@tensorflow/tfjs-backend-webgpu');
    }
    if (backend === 'wasm' && wasmPaths) {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(wasmPaths);
    }
    await initBackend(backend);
  } catch (err) {
    if (backend === 'webgpu') adapter = { error: (err as Error).message };
    rows.push({
      backend,
      bench: 'matmul',
      size: 0,
      skipped: `backend unavailable: ${(err as Error).message}`,
    });
    continue;
  }
  const device = backend === 'webgpu' ? (tf.backend() as unknown as { device: ErrorScopes }).device : null;
  rows.push(...(await runRows(backend, benchSizes(small), left, device, console.log, only)));
}
const result = {
  date: new Date().toISOString(),
  small,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  adapter,
  wallS: (performance.now() - t0) / 1000,
  rows,
};
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`wrote ${out} (${result.wallS.toFixed(0)} s)`);
