import { tf } from '../solvers/tf.js';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Info = tf.TensorInfo;

const PATCHED = new Set<string>();

/** What the transpose below needs of the wasm backend (public methods of BackendWasm). */
interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): Info;
  typedArrayFromHeap(x: Info): Float32Array;
}

/**
 * Whether a backend exposes the wasm heap methods the tiled transpose uses.
 *
 * @param b A kernel's backend.
 */
function isWasmHeap(b: unknown): b is WasmHeap {
  const o = b as Partial<WasmHeap> | null;
  return typeof o?.makeOutput === 'function' && typeof o.typedArrayFromHeap === 'function';
}

/** Matrices at least this large are transposed in JS (below that the wasm kernel is as fast). */
const JS_TRANSPOSE_MIN = 16_384;

/**
 * A [r, c] float32 matrix transposed in 16 × 16 tiles, in JS on the wasm heap. The wasm Transpose
 * kernel walks the output with a stride of r floats, which for r = 1024 (a power of two) maps every
 * write to the same few cache sets: ~1.5–2 ms for [1024, 64] on a 2-core x86 machine, against
 * ~0.3–0.6 ms tiled.
 */
function tiledTranspose(x: Info, heap: WasmHeap): Info {
  const [r, c] = x.shape;
  const out = heap.makeOutput([c, r], 'float32');
  // views after makeOutput: an allocation may grow (and move) the heap
  const src = heap.typedArrayFromHeap(x);
  const dst = heap.typedArrayFromHeap(out);
  const T = 16;
  for (let i0 = 0; i0 < r; i0 += T) {
    const i1 = Math.min(i0 + T, r);
    for (let j0 = 0; j0 < c; j0 += T) {
      const j1 = Math.min(j0 + T, c);
      for (let i = i0; i < i1; i++) {
        const row = i * c;
        for (let j = j0; j < j1; j++) dst[j * r + i] = src[row + j];
      }
    }
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
    const original = tf.getKernel(name, 'wasm');
    if (!original || PATCHED.has(name)) continue;
    const inner: KernelFunc = original.kernelFunc;
    const kernelFunc: KernelFunc = (args) => {
      const attrs = args.attrs as { transposeA?: boolean; transposeB?: boolean };
      if (!attrs.transposeA && !attrs.transposeB) return inner(args);
      const inputs = args.inputs as Record<string, Info>;
      const temps: Info[] = [];
      const flip = (x: Info): Info => {
        const r = x.shape.length;
        const heap = args.backend;
        if (
          r === 2 &&
          x.dtype === 'float32' &&
          x.shape[0] * x.shape[1] >= JS_TRANSPOSE_MIN &&
          isWasmHeap(heap)
        ) {
          const out = tiledTranspose(x, heap);
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
    };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
    PATCHED.add(name);
  }
}
