import { tf } from '../solvers/tf.js';

type KernelFunc = tf.KernelConfig['kernelFunc'];
type Info = tf.TensorInfo;

const PATCHED = new Set<string>();

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
