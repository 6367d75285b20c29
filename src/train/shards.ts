import type { LossInfo, ModelConfig } from '../model.js';

/** One shard's result: its rows' mean loss and the gradient of that mean, flattened in parameter order. */
export interface ShardResult {
  /** Rows in the shard (the weight of its mean loss in the batch mean is rows / B). */
  rows: number;
  /** Mean loss over the shard's rows. */
  loss: number;
  /** Gradient of `loss` with respect to the parameters, concatenated in `model.params` order. */
  grads: Float32Array;
  /** The model's loss info for the shard (NFE and the like). */
  info: LossInfo;
  /** From a worker: its live tensor count after answering (constant from call to call: no leak). */
  tensors?: number;
}

/** A batch shard sent to a worker: row-major values `[rows, cols]`. */
export interface Shard {
  /** Row-major values. */
  x: Float32Array;
  /** Number of rows. */
  rows: number;
  /** Number of columns (the data dimension). */
  cols: number;
}

/**
 * Worker threads that each hold a copy of the model and return the loss and gradient of a shard
 * of the batch at given parameters (one flat Float32Array; see `src/train/flat.ts`).
 */
export interface ShardPool {
  /** Number of worker threads (the calling thread computes one more shard itself). */
  readonly size: number;
  /** Worker threads that have not exited yet (0 after {@link ShardPool.close}). */
  readonly running: number;
  /**
   * Sends the parameters and one shard to each worker; resolves with their results in order.
   *
   * @param params Current parameters, flattened in `model.params` order.
   * @param shards One shard per worker (`size` of them).
   */
  gradients(params: Float32Array, shards: readonly Shard[]): Promise<ShardResult[]>;
  /** Terminates every worker; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts a {@link ShardPool} of `threads` workers, each building the model from `config` on the
 * named tfjs backend.
 *
 * @param config The model's configuration (`model.config()`), rebuilt by the model table.
 * @param threads Number of worker threads.
 * @param backend tfjs backend name for the workers.
 */
export type ShardPoolFactory = (config: ModelConfig, threads: number, backend: string) => Promise<ShardPool>;

/** A worker's error, carried back to the training thread with its name and message. */
export class ShardWorkerError extends Error {
  /** Always `'ShardWorkerError'`. */
  override name = 'ShardWorkerError';
  /**
   * Creates the error.
   *
   * @param message The worker's message, prefixed with which worker.
   * @param causeName The worker-side error's class name (e.g. `OdeError`, `OdeStepError`).
   * @param ode Whether the worker-side error was an ODE solver failure (an `OdeError`).
   */
  constructor(
    message: string,
    /** The worker-side error's class name. */
    readonly causeName: string,
    /** Whether the worker-side error was an ODE solver failure. */
    readonly ode: boolean,
  ) {
    super(message);
  }
}

let factory: ShardPoolFactory | undefined;

/**
 * Installs the function `train` starts worker threads with. Threads need Node's `worker_threads`,
 * so the main entry (which must load in browsers) does not import it: the Node entry
 * `odeflow/node` (and the CLI) install it when loaded.
 *
 * @param fn The pool factory (`createWorkerPool` in src/train/worker-pool.ts).
 */
export function provideShardPool(fn: ShardPoolFactory): void {
  factory = fn;
}

/** The installed factory; throws, naming the fix, when `workers > 1` is used without it. */
export function shardPoolFactory(): ShardPoolFactory {
  if (!factory) {
    throw new Error(
      "train: workers > 1 needs Node's worker_threads: import from 'odeflow/node' (it installs the worker pool)",
    );
  }
  return factory;
}

/**
 * Row counts of `parts` shards of a batch of `rows` rows, as equal as possible (larger first).
 *
 * @param rows Batch size.
 * @param parts Number of shards (at most `rows`).
 */
export function shardRows(rows: number, parts: number): number[] {
  const base = Math.floor(rows / parts);
  const extra = rows % parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * The batch's mean loss and its gradient from shard results: Σₖ (nₖ / B) · resultₖ, exact for a
 * loss that is a mean over independent rows (the CNF's NLL with exact divergence, regularizers
 * that are means over rows). NFE-like info is averaged over shards (each shard solves its own ODE).
 *
 * @param results One result per shard, the calling thread's included.
 */
export function combineShards(results: readonly ShardResult[]): ShardResult {
  const rows = results.reduce((n, r) => n + r.rows, 0);
  const grads = new Float32Array(results[0].grads.length);
  let loss = 0;
  const info: LossInfo = {};
  for (const r of results) {
    const w = r.rows / rows;
    loss += w * r.loss;
    for (let i = 0; i < grads.length; i++) grads[i] += w * r.grads[i];
    for (const [k, v] of Object.entries(r.info)) info[k] = (info[k] ?? 0) + v / results.length;
  }
  return { rows, loss, grads, info };
}
