import { expect, it } from 'vitest';
import { backendWorks, gpuCandidates, inNode } from '../../src/backend/gpu-auto.js';
import { isSoftwareRenderer } from '../../src/backend/webgpu-node.js';

it('in Node the automatic choice tries no GPU backend (Dawn has no synchronous reads)', async () => {
  expect(inNode()).toBe(true);
  expect(await gpuCandidates()).toEqual([]);
});

it('the working check passes on the active backend', () => {
  expect(backendWorks()).toBe(true);
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
