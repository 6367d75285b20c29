import { SCALED_COPIES_KERNEL, WEIGHTED_SUM_KERNEL } from '../../solvers/rk-step.js';
import { tf } from '../../solvers/tf.js';
import { isWasmHeap, type KernelFunc, type WasmHeap } from './heap.js';

type Info = tf.TensorInfo;

/** The float32 view of a tensor on the heap (take it after every output is allocated). */
function float32(heap: WasmHeap, x: Info, kernel: string): Float32Array {
  const v = heap.typedArrayFromHeap(x);
  if (!(v instanceof Float32Array)) throw new Error(`${kernel}: float32 tensors only, got ${x.dtype}`);
  return v;
}

/**
 * y + Σ_j c_j k_j on the wasm heap in one kernel, in float32 arithmetic step for step as the ops
 * it replaces (mul per term, addN from 0 left to right, add): `Math.fround` after every + and ×,
 * which for these operations gives the correctly rounded float32 result, so the values are
 * bit for bit those of the ops. The Runge–Kutta stage sums of a solve are on small states
 * ([B, D + 1] for a CNF), where the ~5 kernels per term they cost are dispatch, not arithmetic.
 */
const weightedSum: KernelFunc = (args) => {
  const heap = args.backend;
  const list = Object.values(args.inputs).filter((t): t is Info => t !== undefined);
  const coef = (args.attrs as { coef: number[] }).coef.map(Math.fround);
  if (!isWasmHeap(heap) || list.length !== coef.length + 1) {
    throw new Error(`${WEIGHTED_SUM_KERNEL}: expected y and ${coef.length} terms on the wasm backend`);
  }
  const out = heap.makeOutput([...list[0].shape], 'float32');
  const [y, ...ks] = list.map((t) => float32(heap, t, WEIGHTED_SUM_KERNEL));
  const o = float32(heap, out, WEIGHTED_SUM_KERNEL);
  const n = y.length;
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < ks.length; j++) acc = Math.fround(acc + Math.fround(ks[j][i] * coef[j]));
    o[i] = Math.fround(y[i] + acc);
  }
  return out;
};

/** c_j·dy for every c_j, float32 products as `tf.mul(dy, c_j)` gives them. */
const scaledCopies: KernelFunc = (args) => {
  const heap = args.backend;
  const dyInfo = (args.inputs as { dy: Info }).dy;
  const coef = (args.attrs as { coef: number[] }).coef.map(Math.fround);
  if (!isWasmHeap(heap)) throw new Error(`${SCALED_COPIES_KERNEL}: the wasm backend only`);
  const outs = coef.map(() => heap.makeOutput([...dyInfo.shape], 'float32'));
  const dy = float32(heap, dyInfo, SCALED_COPIES_KERNEL);
  coef.forEach((c, j) => {
    const o = float32(heap, outs[j], SCALED_COPIES_KERNEL);
    for (let i = 0; i < dy.length; i++) o[i] = Math.fround(dy[i] * c);
  });
  return outs;
};

/** Registers the Runge–Kutta stage-sum kernels on the wasm backend (idempotent). */
export function registerWasmRkKernels(): void {
  for (const [kernelName, kernelFunc] of [
    [WEIGHTED_SUM_KERNEL, weightedSum],
    [SCALED_COPIES_KERNEL, scaledCopies],
  ] as const) {
    if (!tf.getKernel(kernelName, 'wasm')) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
