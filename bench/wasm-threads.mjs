/**
 * Trial (issue 15): tfjs-backend-wasm's threaded-SIMD build in Node. tfjs turns it off there on
 * purpose (flags_wasm.js: WASM_HAS_MULTITHREAD_SUPPORT is false when IS_NODE, tfjs issue #3830):
 * its pthread workers are started from Blob URLs and run a main script that references bundler
 * names (commonjsGlobal, require$$0…) that do not exist in a worker. This script forces the flag
 * and gives Emscripten's pthread glue what it needs: Node's Worker replaced by one that boots
 * from files (the worker script and the threaded factory, cut out of the installed bundle at run
 * time), then times matMuls at our sizes.
 *
 *   node bench/wasm-threads.mjs [threads]
 *
 * Result here (2026-11-30, tfjs 4.22, Node 20): the threaded build initialises (8 pthread workers
 * pre-allocated), but XNNPACK's pool reports 1 thread (getThreadsCount() = 1 for 2 or 4 asked)
 * and no pthread is started, so matMul times equal the single-threaded build's. See
 * docs/performance.md ("Both cores") for why data-parallel workers were built instead.
 */
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const require = createRequire(import.meta.url);
const wt = require('worker_threads');
const NodeWorker = wt.Worker;
const dir = mkdtempSync(join(tmpdir(), 'tfw-'));
const boot = join(dir, 'boot.cjs');
// bootstrap run in each pthread worker: fetch the blob contents (worker script) then patch 'load'
writeFileSync(boot, `
const { workerData, parentPort } = require('worker_threads');
global.commonjsGlobal = global; global._scriptDir = undefined; global.require = require; global.__filename = workerData.script;
const fs = require('fs');
const src = fs.readFileSync(workerData.script, 'utf8');
(0, eval)(src);
const orig = global.onmessage;
global.onmessage = (e) => {
  const data = e.data;
  if (data && data.cmd === 'load' && typeof data.urlOrBlob !== 'string') data.urlOrBlob = workerData.main;
  orig(e);
};
`);
const tfjsWasmPath = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.node.js');
const text = readFileSync(tfjsWasmPath, 'utf8');
const m = text.match(/var wasmWorkerContents = (".*?");\n/s);
const workerScript = join(dir, 'worker.js');
writeFileSync(workerScript, JSON.parse(m[1]).replace(/\n/g, "\\n"));
let mainScript = null;
class PatchedWorker extends NodeWorker {
  constructor(url, opts) {
    super(boot, { ...opts, workerData: { script: workerScript, main: mainScript } });
  }
}
wt.Worker = PatchedWorker;
const tf = require('@tensorflow/tfjs-core');
const wasm = require('@tensorflow/tfjs-backend-wasm');
// main script for pthreads: the threaded factory source (the backend passes it as a Blob)
mainScript = join(dir, 'main.js');
const s0 = text.indexOf('var WasmBackendModuleThreadedSimd = (function () {');
const s1 = text.indexOf('module.exports = WasmBackendModuleThreadedSimd;', s0);
writeFileSync(mainScript, 'var commonjsGlobal = global; var require$$0 = require("fs"), require$$1 = require("path"), require$$3 = require("perf_hooks"), require$$4 = require("os");\n' + text.slice(s0, s1) );
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
const n = Number(process.argv[2] ?? 2);
wasm.setThreadsCount(n);
await tf.setBackend('wasm');
await tf.ready();
{ const w = tf.backend().wasm; console.log('threads', wasm.getThreadsCount(), 'pthread?', !!w.PThread, w.PThread && w.PThread.runningWorkers.length, w.PThread && w.PThread.unusedWorkers.length); }
for (const [B, K] of [[100, 64], [1000, 64], [512, 512]]) {
  const a = tf.randomNormal([B, K]), b = tf.randomNormal([K, 64 === K ? 64 : K]);
  for (let i = 0; i < 20; i++) tf.matMul(a, b).dispose();
  const reps = 200; const t0 = performance.now();
  for (let i = 0; i < reps; i++) { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); }
  console.log(`matMul [${B},${K}]x[${K},${b.shape[1]}] ${(1000*(performance.now()-t0)/reps).toFixed(1)} us`);
}
process.exit(0);
