/**
 * Measured on a quiet 2-core machine (wasm, `npx tsx bench/workers.ts --iters 30 --skip 5
 * --cases cnf-100,cnf-1000,cfm-1024`, bench/results/workers-wasm.json): two data-parallel threads
 * train a CNF (FFJORD's setting) 1.53× faster at batch 1000 but 0.88× as fast at batch 100 (per-kernel
 * dispatch, not arithmetic, bounds a half batch of 50), and flow matching 0.81× at batch 1024. So the
 * second thread is used where it was measured to help: maximum-likelihood CNF training with a batch of
 * at least {@link AUTO_WORKERS_MIN_BATCH}.
 */
export const AUTO_WORKERS_MIN_BATCH = 1000;

/** Model kinds whose training gains from a second data-parallel thread (see {@link autoWorkers}). */
export const AUTO_WORKERS_KINDS: readonly string[] = ['cnf'];

/**
 * The number of data-parallel training threads to use when the user did not choose:
 * 2 for a model kind in {@link AUTO_WORKERS_KINDS} at a batch of at least
 * {@link AUTO_WORKERS_MIN_BATCH} on a machine with two or more cores, otherwise 1.
 *
 * @param kind The model kind (a key of `MODEL_TABLE`).
 * @param batchSize Training batch size.
 * @param cores Available cores (Node: `os.availableParallelism()`).
 * @returns 1 or 2.
 *
 * @example
 * ```ts
 * autoWorkers('cnf', 1000, 2); // 2
 * autoWorkers('cnf', 100, 2); // 1
 * ```
 */
export function autoWorkers(kind: string, batchSize: number, cores: number): number {
  return AUTO_WORKERS_KINDS.includes(kind) && batchSize >= AUTO_WORKERS_MIN_BATCH && cores >= 2 ? 2 : 1;
}
