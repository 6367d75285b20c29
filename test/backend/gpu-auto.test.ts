import { expect, it } from 'vitest';
import {
  backendWorksAsync,
  GPU_PROBE_TIMEOUT_MS,
  gpuCandidates,
  inNode,
  withTimeout,
} from '../../src/backend/gpu-auto.js';
import { installNodeWebGpu, isSoftwareRenderer } from '../../src/backend/webgpu-node.js';

it('in Node the automatic choice tries webgpu only on a hardware adapter, and never when synchronous reads are required', async () => {
  expect(inNode()).toBe(true);
  let hardware = false;
  try {
    hardware = !(await installNodeWebGpu()).software;
  } catch {
    // no webgpu package or no Vulkan driver: no candidate
  }
  // here (CI): Dawn on lavapipe, a software adapter → not a candidate (slower than wasm)
  expect(await gpuCandidates()).toEqual(hardware ? ['webgpu'] : []);
  expect(await gpuCandidates({ syncReads: true })).toEqual([]);
});

it('the working check passes on the active backend (async read)', async () => {
  expect(await backendWorksAsync()).toBe(true);
});

it('probes are bounded in time: a promise that never settles is given up', async () => {
  const never = new Promise<number>(() => {});
  const t0 = performance.now();
  await expect(withTimeout(never, 50, 'the probe')).rejects.toThrow(/the probe did not finish within 50 ms/);
  expect(performance.now() - t0).toBeLessThan(GPU_PROBE_TIMEOUT_MS);
});

it('tells software renderers from hardware ones', () => {
  expect(isSoftwareRenderer('llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1')).toBe(true);
  expect(
    isSoftwareRenderer(
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
    ),
  ).toBe(true);
  expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA H200 Direct3D11 vs_5_0 ps_5_0)')).toBe(false);
  expect(isSoftwareRenderer('NVIDIA H200')).toBe(false);
});
