/**
 * Backend detection and activation inside the training worker. The wasm binaries are inlined
 * into the build as data: URLs (vite.config.ts), so the page works from file:// where a fetch of
 * a neighbouring file is refused.
 */
// the main entry registers cpu; webgl, webgpu and wasm are registered here (bundled into the worker)
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { patchWasmKernels, tf } from './odeflow.js';
import type { BackendChoice, BackendInfo } from './protocol.js';

setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

/** Renderers that are software emulations (slower than wasm for this work). */
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render/i;

function webglRenderer(): string | null {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  } catch {
    return null;
  }
}

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: Record<string, string>;
}

async function webgpuAdapter(): Promise<string | null> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return null;
  try {
    const a = await gpu.requestAdapter();
    if (!a) return null;
    const info = a.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'adapter';
    return a.isFallbackAdapter ? `${name} (fallback)` : name;
  } catch {
    return null;
  }
}

/** Whether the active backend computes a small product right (the check after activation). */
function works(): boolean {
  const t = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
  const v = t.dataSync();
  t.dispose();
  return v[0] === 19 && v[1] === 22 && v[2] === 43 && v[3] === 50;
}

/** Makes `name` the active backend; throws saying why when it cannot. */
export async function activate(name: BackendChoice): Promise<void> {
  if (name === 'webgpu' && !tf.findBackendFactory('webgpu')) {
    throw new Error('WebGPU: the tfjs WebGPU backend is not part of this build');
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`${name}: the backend failed to initialise in this browser`);
  await tf.ready();
  if (name === 'wasm') patchWasmKernels();
  if (!works()) throw new Error(`${name}: a test product came out wrong`);
}

/**
 * What this browser offers, and the best choice: a hardware WebGPU adapter, else hardware WebGL,
 * else wasm (faster than a software GPU emulation), else cpu.
 */
export async function detect(): Promise<{ backends: BackendInfo[]; best: BackendChoice }> {
  const backends: BackendInfo[] = [];
  const adapter = await webgpuAdapter();
  const hasWebgpu = tf.findBackendFactory('webgpu') !== null;
  backends.push({
    name: 'webgpu',
    ok: adapter !== null && hasWebgpu,
    note: !hasWebgpu ? 'not in this build' : (adapter ?? 'no WebGPU adapter in this browser'),
  });
  const renderer = webglRenderer();
  backends.push({ name: 'webgl', ok: renderer !== null, note: renderer ?? 'no WebGL in workers here' });
  backends.push({
    name: 'wasm',
    ok: typeof WebAssembly === 'object',
    note: 'WebAssembly (SIMD if available)',
  });
  backends.push({ name: 'cpu', ok: true, note: 'plain JavaScript' });
  let best: BackendChoice = 'wasm';
  if (adapter !== null && hasWebgpu && !SOFTWARE.test(adapter) && !adapter.includes('fallback'))
    best = 'webgpu';
  else if (renderer !== null && !SOFTWARE.test(renderer)) best = 'webgl';
  else if (!backends[2].ok) best = 'cpu';
  return { backends, best };
}
