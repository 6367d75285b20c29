/**
 * Cost instrumentation shared by the benches: how many tfjs kernels a piece of work dispatches,
 * how many matMul FLOPs they do, and the machine's matMul peak on the same backend, so a bench can
 * print "ms, kernels, FLOPs, achieved GFLOP/s next to the peak" for any workload.
 *
 * Kernels are counted at the engine (`tf.engine().runKernel`): every op a model calls, forward
 * and gradient, goes through it; kernels a backend runs inside another kernel (e.g. the wasm
 * matMul patch's transpose, src/wasm/matmul.ts) are not counted, as they cost no engine
 * bookkeeping. FLOPs are counted for `BatchMatMul` and `_FusedMatMul` (2·M·N·K per product, from
 * the input shapes and transpose flags); element-wise work is left out (it is O(B·H) against
 * matMul's O(B·H²)).
 *
 * Usage:
 *   const c = countCost(() => step());             // kernels and FLOPs of one call
 *   const stop = startCounting(); await work(); const c2 = stop();  // or around async work
 *   const peak = await matMulPeak();               // GFLOP/s of a large matMul here
 *   console.log(formatCost(ms, c, peak));
 */
import { tf } from '../../src/index.js';

/** What {@link countCost} counted. */
export interface Cost {
  /** Kernels dispatched by the engine. */
  kernels: number;
  /** matMul floating-point operations (2·M·N·K per product). */
  flops: number;
  /** Kernels by name, most frequent first. */
  byName: [string, number][];
}

type Inputs = Record<string, tf.TensorInfo | undefined>;
type Attrs = Record<string, unknown> | undefined;

/** 2·M·N·K of a (batched) matMul kernel call; 0 for any other kernel. */
export function kernelFlops(name: string, inputs: Inputs, attrs: Attrs): number {
  if (name !== 'BatchMatMul' && name !== '_FusedMatMul') return 0;
  const a = inputs.a?.shape;
  const b = inputs.b?.shape;
  if (!a || !b || a.length < 2 || b.length < 2) return 0;
  const ta = attrs?.transposeA === true;
  const tb = attrs?.transposeB === true;
  const m = ta ? a[a.length - 1] : a[a.length - 2];
  const k = ta ? a[a.length - 2] : a[a.length - 1];
  const n = tb ? b[b.length - 2] : b[b.length - 1];
  const batch = Math.max(
    a.slice(0, -2).reduce((p, q) => p * q, 1),
    b.slice(0, -2).reduce((p, q) => p * q, 1),
  );
  return 2 * batch * m * n * k;
}

/**
 * Starts counting kernels and matMul FLOPs at the engine; the returned function stops counting
 * and gives the cost of everything in between (synchronous or not). One counter at a time.
 */
export function startCounting(): () => Cost {
  const engine = tf.engine() as unknown as {
    runKernel: (name: string, inputs: Inputs, attrs: Attrs) => unknown;
  };
  const original = engine.runKernel;
  const counts = new Map<string, number>();
  let kernels = 0;
  let flops = 0;
  engine.runKernel = function (this: unknown, name: string, inputs: Inputs, attrs: Attrs) {
    kernels++;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    flops += kernelFlops(name, inputs, attrs);
    return original.call(this, name, inputs, attrs);
  };
  return () => {
    engine.runKernel = original;
    const byName = [...counts.entries()].sort((p, q) => q[1] - p[1]);
    return { kernels, flops, byName };
  };
}

/**
 * Runs `fn` once with the counting hook on the engine and returns its cost; the hook is removed
 * afterwards (also when `fn` throws).
 *
 * @param fn The work to count (synchronous).
 */
export function countCost(fn: () => void): Cost {
  const stop = startCounting();
  try {
    fn();
  } catch (err) {
    stop();
    throw err;
  }
  return stop();
}

/**
 * The cost of `count` units of work (e.g. iterations) divided by `count`.
 *
 * @param cost The total cost.
 * @param count How many units it covers.
 */
export function perUnit(cost: Cost, count: number): Cost {
  return {
    kernels: cost.kernels / count,
    flops: cost.flops / count,
    byName: cost.byName.map(([n, c]) => [n, c / count]),
  };
}

/** A measured matMul peak. */
export interface Peak {
  /** Side n of the n×n·n×n product timed. */
  n: number;
  /** Best time of one product, ms. */
  ms: number;
  /** 2n³ / time, GFLOP/s. */
  gflops: number;
}

/**
 * The machine's practical peak on the current backend: the best of `repeats` timings of one
 * n×n·n×n float32 matMul (after a warm-up), as GFLOP/s. A large product keeps per-kernel
 * overhead negligible, so this is what the backend's matMul does at best here.
 *
 * @param n Side of the square matrices. Default 512.
 * @param repeats Timed repetitions. Default 10.
 */
export async function matMulPeak(n = 512, repeats = 10): Promise<Peak> {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r <= repeats; r++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    const ms = performance.now() - t0;
    c.dispose();
    if (r > 0) best = Math.min(best, ms);
  }
  tf.dispose([a, b]);
  return { n, ms: best, gflops: (2 * n ** 3) / (best * 1e6) };
}

/**
 * One line: ms per call, kernels, matMul MFLOPs, achieved GFLOP/s and its share of the peak.
 *
 * @param ms Milliseconds per call.
 * @param cost The call's cost from {@link countCost}.
 * @param peak The backend's peak from {@link matMulPeak}.
 */
export function formatCost(ms: number, cost: Cost, peak: Peak): string {
  const gflops = cost.flops / (ms * 1e6);
  return (
    `${ms.toFixed(2)} ms, ${Math.round(cost.kernels)} kernels, ${(cost.flops / 1e6).toFixed(2)} MFLOP, ` +
    `${gflops.toFixed(2)} GFLOP/s (${((100 * gflops) / peak.gflops).toFixed(1)}% of the ${peak.gflops.toFixed(1)} GFLOP/s matMul peak, n = ${peak.n})`
  );
}

/**
 * The `top` most frequent kernels as `name×count` pairs, for a one-line breakdown.
 *
 * @param cost A cost from {@link countCost}.
 * @param top How many names. Default 8.
 */
export function kernelBreakdown(cost: Cost, top = 8): string {
  return cost.byName
    .slice(0, top)
    .map(([name, c]) => `${name}×${Number(c.toFixed(1))}`)
    .join(' ');
}
