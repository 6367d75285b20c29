import { tf } from '../../solvers/tf.js';

/** A kernel function of a registered tfjs kernel. */
export type KernelFunc = tf.KernelConfig['kernelFunc'];

/** What the JS kernels below need of the wasm backend (public methods of BackendWasm). */
export interface WasmHeap {
  /** A new output tensor on the wasm heap. */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A view of a tensor's bytes on the heap (invalid once an allocation grows the heap). */
  typedArrayFromHeap(x: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/**
 * Whether a backend exposes the wasm heap methods.
 *
 * @param b A kernel's backend.
 */
export function isWasmHeap(b: unknown): b is WasmHeap {
  const o = b as Partial<WasmHeap> | null;
  return typeof o?.makeOutput === 'function' && typeof o.typedArrayFromHeap === 'function';
}

const REPLACED = new Set<string>();

/**
 * Re-registers a wasm kernel with a new kernel function built from the original one; idempotent
 * (a kernel is replaced once per process). Does nothing when the wasm backend has no such kernel.
 *
 * @param name The kernel's name (`Slice`, `BatchMatMul`…).
 * @param make Builds the new kernel function from the original.
 */
export function replaceWasmKernel(name: string, make: (original: KernelFunc) => KernelFunc): void {
  const original = tf.getKernel(name, 'wasm');
  if (!original || REPLACED.has(name)) return;
  const kernelFunc = make(original.kernelFunc);
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ ...original, kernelFunc });
  REPLACED.add(name);
}

/**
 * Copies n consecutive elements: element by element for short runs (a `subarray` allocates an
 * object, which for runs of a few elements costs far more than the copy), `set` for long ones.
 *
 * @param src Source view.
 * @param from Source offset.
 * @param dst Destination view (same element type).
 * @param to Destination offset.
 * @param n Number of elements.
 */
export function copyRun(
  src: Float32Array | Int32Array | Uint8Array,
  from: number,
  dst: Float32Array | Int32Array | Uint8Array,
  to: number,
  n: number,
): void {
  if (n >= 64) {
    dst.set(src.subarray(from, from + n), to);
    return;
  }
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
}
