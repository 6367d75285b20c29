import { tf } from '../../solvers/tf.js';
import { isWasmHeap, replaceWasmKernel, type WasmHeap } from './heap.js';

type Info = tf.TensorInfo;

/** Matrices at least this large with an aliasing row count are transposed in JS. */
const JS_TRANSPOSE_MIN = 16_384;

/**
 * Whether the wasm Transpose kernel would be slow for an [r, c] float32 matrix: it walks the output
 * with a stride of r floats, and when r is a multiple of 256 (1 KiB) every write maps to the same
 * few cache sets. Measured on the 2-core x86 machine ([r, 64], µs, wasm kernel vs the JS loop
 * below): r = 300: 6.4 vs 29; 1000: 17 vs 93; 256: 60 vs 25; 512: 154 vs 48; 1024: 395 vs 95;
 * 2048: 776 vs 188. Elsewhere the wasm kernel is 4–5× faster than JS.
 *
 * @param r Rows of the matrix (the output's row stride).
 * @param c Columns.
 */
function aliasing(r: number, c: number): boolean {
  return r % 256 === 0 && r * c >= JS_TRANSPOSE_MIN;
}

/**
 * A [r, c] float32 matrix transposed in JS on the wasm heap, one output row (input column) at a
 * time: for the aliasing sizes above, ~4× faster than the wasm kernel.
 */
function jsTranspose(x: Info, heap: WasmHeap): Info {
  const [r, c] = x.shape;
  const out = heap.makeOutput([c, r], 'float32');
  // views after makeOutput: an allocation may grow (and move) the heap
  const src = heap.typedArrayFromHeap(x);
  const dst = heap.typedArrayFromHeap(out);
  for (let j = 0; j < c; j++) {
    const o = j * r;
    for (let i = 0, k = j; i < r; i++, k += c) dst[o + i] = src[k];
  }
  return out;
}

/**
 * Makes wasm matMul with `transposeA`/`transposeB` fast. The wasm `BatchMatMul` kernel runs ~10×
 * slower with a transpose flag than without (DESIGN.md §3), and the matMul gradient always sets
 * one; transposing the operand explicitly first (one wasm Transpose kernel, ~1/10 of the cost)
 * and then multiplying without flags gives identical numbers several times faster. Applied to
 * `BatchMatMul` and `_FusedMatMul` of the wasm backend; idempotent.
 */
export function patchWasmMatMul(): void {
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return;
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    replaceWasmKernel(name, (inner) => (args) => {
      const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
      if (!attrs.transposeA && !attrs.transposeB) return inner(args);
      const inputs = args.inputs as Record<string, Info>;
      const temps: Info[] = [];
      const flip = (x: Info): Info => {
        const r = x.shape.length;
        const heap = args.backend;
        if (r === 2 && x.dtype === 'float32' && aliasing(x.shape[0], x.shape[1]) && isWasmHeap(heap)) {
          const out = jsTranspose(x, heap);
          temps.push(out);
          return out;
        }
        const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
        const out = transpose.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { perm } }) as Info;
        temps.push(out);
        return out;
      };
      const a = attrs.transposeA ? flip(inputs.a) : inputs.a;
      const b = attrs.transposeB ? flip(inputs.b) : inputs.b;
      const out = inner({
        ...args,
        inputs: { ...inputs, a, b },
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
      const backend = args.backend as { disposeData(dataId: unknown): void };
      for (const t of temps) backend.disposeData(t.dataId);
      return out;
    });
  }
}
