import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ModelConfig } from '../model.js';
import { type Shard, type ShardPool, type ShardResult, ShardWorkerError } from './shards.js';

/** A worker's reply to one request. */
interface Reply extends Partial<ShardResult> {
  id: number;
  ready?: boolean;
  error?: { name: string; message: string; ode: boolean };
}

/**
 * The worker's entry module. From the sources (under tsx or vitest): grad-worker.ts next to this
 * file, through a small ES module given as a data: URL that registers tsx's loader first. From the
 * build: dist/esm/grad-worker.js (an entry of scripts/build.mjs), found from an ESM entry, an ESM
 * chunk (dist/esm/chunks/) or the CommonJS bundle (dist/cjs/).
 */
function workerEntry(): URL {
  const self = import.meta.url;
  if (/\.ts$/.test(self)) {
    const tsx = pathToFileURL(
      join(dirname(createRequire(self).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
    );
    const code =
      `import { register } from ${JSON.stringify(tsx.href)};\n` +
      `register();\n` +
      `await import(${JSON.stringify(new URL('./grad-worker.ts', self).href)});\n`;
    return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
  }
  for (const rel of ['./grad-worker.js', '../grad-worker.js', '../esm/grad-worker.js']) {
    const url = new URL(rel, self);
    if (existsSync(url)) return url;
  }
  throw new Error(`createWorkerPool: the worker module grad-worker.js was not found next to ${self}`);
}

/**
 * The seed a shard's copy of the model is built with: the model's own plus a shard offset, so that
 * random draws inside `trainLoss` (Hutchinson probes, flow matching's source points and times)
 * are independent across shards rather than repeated.
 */
function shardConfig(config: ModelConfig, shard: number): ModelConfig {
  return typeof config.seed === 'number' ? { ...config, seed: config.seed + 7919 * shard } : config;
}

/**
 * Starts `threads` worker threads, each with its own tfjs `backend` and a copy of the model built
 * from `config` by the model table (src/train/models.ts), and waits until all are ready. Each
 * {@link ShardPool.gradients} call sends the flat parameters and one shard to each worker.
 * A worker that fails or exits rejects the pending call with a {@link ShardWorkerError}; `close`
 * terminates them all. Node only (`worker_threads`).
 *
 * @param config The model's configuration (`model.config()`).
 * @param threads Number of worker threads (≥ 1).
 * @param backend tfjs backend name for the workers (`tf.getBackend()` of the caller).
 */
export async function createWorkerPool(
  config: ModelConfig,
  threads: number,
  backend: string,
): Promise<ShardPool> {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new RangeError(`createWorkerPool: threads is ${threads}; expected an integer ≥ 1`);
  }
  const entry = workerEntry();
  const workers: Worker[] = [];
  /** Pending reply handlers, one per worker. */
  const waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined> = [];
  /** A worker's death (error or exit), kept so a later call fails at once instead of hanging. */
  const dead: Array<Error | undefined> = [];
  let closed = false;
  let exited = 0;
  const fail = (i: number, e: Error) => {
    dead[i] ??= e;
    const w = waiting[i];
    waiting[i] = undefined;
    w?.reject(e);
  };
  const next = (i: number) =>
    new Promise<Reply>((resolve, reject) => {
      const d = dead[i];
      if (d) reject(d);
      else waiting[i] = { resolve, reject };
    });
  const close = async () => {
    if (closed) return;
    closed = true;
    await Promise.all(workers.map((w) => w.terminate()));
  };
  const ready: Promise<Reply>[] = [];
  for (let i = 0; i < threads; i++) {
    const w = new Worker(entry, { workerData: { config: shardConfig(config, i + 1), backend } });
    workers.push(w);
    ready.push(next(i));
    w.on('message', (r: Reply) => {
      const h = waiting[i];
      waiting[i] = undefined;
      if (!h) return;
      if (r.error)
        h.reject(new ShardWorkerError(`worker ${i + 1}: ${r.error.message}`, r.error.name, r.error.ode));
      else h.resolve(r);
    });
    w.on('error', (e) =>
      fail(i, new ShardWorkerError(`worker ${i + 1} crashed: ${e.message}`, e.name, false)),
    );
    w.on('exit', (code) => {
      exited++;
      if (!closed) fail(i, new ShardWorkerError(`worker ${i + 1} exited (code ${code})`, 'Exit', false));
    });
  }
  try {
    await Promise.all(ready);
  } catch (err) {
    await close();
    throw err;
  }
  let id = 0;
  return {
    size: threads,
    get running() {
      return threads - exited;
    },
    async gradients(params: Float32Array, shards: readonly Shard[]): Promise<ShardResult[]> {
      if (closed) throw new ShardWorkerError('the worker pool is closed', 'Closed', false);
      if (shards.length !== threads) {
        throw new RangeError(`ShardPool.gradients: ${shards.length} shards for ${threads} workers`);
      }
      id++;
      const replies = shards.map((s, i) => {
        const p = next(i);
        workers[i].postMessage({ id, params, x: s.x, rows: s.rows, cols: s.cols });
        return p;
      });
      const out = await Promise.allSettled(replies);
      const bad = out.find((o) => o.status === 'rejected');
      if (bad) throw (bad as PromiseRejectedResult).reason;
      return out.map((o) => {
        const r = (o as PromiseFulfilledResult<Reply>).value;
        return {
          rows: r.rows ?? 0,
          loss: r.loss ?? Number.NaN,
          grads: r.grads ?? new Float32Array(0),
          info: r.info ?? {},
          tensors: r.tensors,
        };
      });
    },
    close,
  };
}
