import { tf } from '../../solvers/tf.js';
import { copyRun, isWasmHeap, type KernelFunc, replaceWasmKernel, type WasmHeap } from './heap.js';

type Info = tf.TensorInfo;

/**
 * x[begin : begin + size] copied on the wasm heap. The wasm backend's own Slice first copies the
 * *whole* input out of the heap into a new JS buffer (`readSync`), then slices that: for the
 * [B, S] → [B, D] slices of a CNF step this was ~20–50 µs each and most of the garbage collector's
 * work. Here: views of input and output (taken after the output is allocated: an allocation may
 * grow, and so move, the heap) and one run copy per row of the last axis, or one copy when the
 * slice is contiguous.
 */
function sliceOnHeap(x: Info, begin: readonly number[], size: readonly number[], heap: WasmHeap): Info {
  const out = heap.makeOutput([...size], x.dtype);
  const n = tf.util.sizeFromShape([...size]);
  if (n === 0) return out;
  const src = heap.typedArrayFromHeap(x);
  const dst = heap.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  const rank = size.length;
  if (tf.slice_util.isSliceContinous(x.shape, [...begin], [...size])) {
    copyRun(src, tf.slice_util.computeFlatOffset([...begin], strides), dst, 0, n);
    return out;
  }
  const inner = size[rank - 1];
  const index = new Array<number>(rank - 1).fill(0);
  for (let to = 0; to < n; to += inner) {
    let from = begin[rank - 1];
    for (let d = 0; d < rank - 1; d++) from += (begin[d] + index[d]) * strides[d];
    copyRun(src, from, dst, to, inner);
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < size[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

/** Whether the heap kernels below handle x (numeric, rank ≥ 1, on the wasm heap). */
function onHeap(x: Info, backend: unknown): backend is WasmHeap {
  return x.dtype !== 'string' && x.shape.length >= 1 && isWasmHeap(backend);
}

function slice(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: Info }).x;
    if (!onHeap(x, args.backend)) return original(args);
    const attrs = args.attrs as { begin: number | number[]; size?: number | number[] };
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin, attrs.size);
    return sliceOnHeap(x, begin, size, args.backend);
  };
}

/** SplitV as slices on the heap (the wasm backend's SplitV calls its own copying Slice). */
function splitV(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = (args.inputs as { x: Info }).x;
    if (!onHeap(x, args.backend)) return original(args);
    const heap = args.backend;
    const attrs = args.attrs as { numOrSizeSplits: number | number[]; axis: number | number[] };
    const axis = tf.util.parseAxisParam(attrs.axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const part = sliceOnHeap(x, begin, size, heap);
      begin[axis] += s;
      return part;
    });
  };
}

/**
 * Concat on the heap with element loops for short runs: the wasm backend's Concat copies each
 * input's run per outer index with `subarray` + `set`, and along axis 1 of a [B, n] tensor with
 * n of a few columns (the CNF's packed state [x, log-det, …]) that is B·inputs small objects:
 * ~40–100 µs at B = 100.
 */
function concat(original: KernelFunc): KernelFunc {
  return (args) => {
    // the engine passes Concat's inputs as an array (a map from index to tensor)
    const all = Object.values(args.inputs).filter((t): t is Info => t !== undefined);
    const inputs = all.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    if (inputs.length < 2 || !onHeap(inputs[0], args.backend)) return original(args);
    const heap = args.backend;
    const axis = tf.util.parseAxisParam((args.attrs as { axis: number | number[] }).axis, all[0].shape)[0];
    tf.backend_util.assertParamsConsistent(
      all.map((t) => t.shape),
      axis,
    );
    const outShape = tf.backend_util.computeOutShape(
      all.map((t) => t.shape),
      axis,
    );
    const out = heap.makeOutput(outShape, all[0].dtype);
    const outer = tf.util.sizeFromShape(inputs[0].shape.slice(0, axis));
    const runs = inputs.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
    const total = runs.reduce((a, b) => a + b, 0);
    const srcs = inputs.map((t) => heap.typedArrayFromHeap(t));
    const dst = heap.typedArrayFromHeap(out);
    for (let b = 0; b < outer; b++) {
      let to = b * total;
      for (let i = 0; i < srcs.length; i++) {
        copyRun(srcs[i], b * runs[i], dst, to, runs[i]);
        to += runs[i];
      }
    }
    return out;
  };
}

/**
 * Replaces the wasm backend's Slice, SplitV and Concat with versions that copy on the wasm heap
 * without intermediate JS buffers or per-row objects (same results; `test/backend/wasm-copies.test.ts`
 * compares them with the cpu backend). Idempotent.
 */
export function patchWasmCopies(): void {
  replaceWasmKernel('Slice', slice);
  replaceWasmKernel('SplitV', splitV);
  replaceWasmKernel('Concat', concat);
}
