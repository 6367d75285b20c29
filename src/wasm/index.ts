import { patchWasmCopies } from './copies.js';
import { patchWasmMatMul } from './matmul.js';
import { registerWasmRkKernels } from './rk-kernels.js';

/**
 * The wasm backend's kernels that odeflow replaces, found by timing every kernel of a training
 * step (docs/performance.md): matMul with transpose flags (explicit transposes first), Slice,
 * SplitV and Concat (copies on the heap); and adds the Runge–Kutta stage-sum kernels
 * (solvers/rk-step.ts). Same results as the originals; idempotent. Call after the
 * wasm backend is registered (`initBackend('wasm')` does).
 */
export function patchWasmKernels(): void {
  patchWasmMatMul();
  patchWasmCopies();
  registerWasmRkKernels();
}
