import { tf } from '../../solvers/tf.js';
import { isSoftwareRenderer } from './webgpu-node.js';

/** True in Node (as opposed to a browser or a worker). */
export function inNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** The renderer of a WebGL context in this browser, or null where there is none. */
function webglRenderer(): string | null {
  const doc = (globalThis as { document?: { createElement(tag: string): unknown } }).document;
  if (!doc) return null;
  const canvas = doc.createElement('canvas') as { getContext(kind: string): WebGLRenderingContext | null };
  const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

/** True when the browser's WebGPU offers a hardware adapter. */
async function browserWebGpuHardware(): Promise<boolean> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (!gpu) return false;
  const adapter = (await gpu.requestAdapter()) as {
    info?: Record<string, string>;
    isFallbackAdapter?: boolean;
  } | null;
  if (!adapter || adapter.isFallbackAdapter) return false;
  const info = adapter.info ?? {};
  return !isSoftwareRenderer(`${info.description ?? ''} ${info.device ?? ''} ${info.architecture ?? ''}`);
}

/**
 * The GPU backends worth trying, best first, for the automatic choice: only hardware ones (a
 * software renderer — SwiftShader, lavapipe — is slower than wasm). In a browser: `webgpu` with a
 * hardware adapter, then `webgl` with a hardware renderer. In Node none: there WebGPU (Dawn) has no
 * synchronous reads, so odeflow's synchronous API would throw on it; ask for it by name
 * (`initBackend('webgpu')` or ODEFLOW_BACKEND=webgpu) and use the async API.
 */
export async function gpuCandidates(): Promise<Array<'webgpu' | 'webgl'>> {
  if (inNode()) return [];
  const out: Array<'webgpu' | 'webgl'> = [];
  try {
    if (await browserWebGpuHardware()) out.push('webgpu');
  } catch {
    // no WebGPU here
  }
  try {
    const renderer = webglRenderer();
    if (renderer !== null && !isSoftwareRenderer(renderer)) out.push('webgl');
  } catch {
    // no WebGL here
  }
  return out;
}

/**
 * True when the active backend computes a small matrix product correctly and reads it back
 * synchronously (what odeflow's synchronous API needs): the check of the automatic choice.
 */
export function backendWorks(): boolean {
  try {
    const v = tf.tidy(() =>
      tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])).dataSync(),
    );
    return v[0] === 19 && v[1] === 22 && v[2] === 43 && v[3] === 50;
  } catch {
    return false;
  }
}
