import { tf } from '../../solvers/tf.js';
import { installNodeWebGpu, isSoftwareRenderer } from './webgpu-node.js';

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

/** How long the automatic choice waits for each GPU probe step (adapter request; check kernel and its read). */
export const GPU_PROBE_TIMEOUT_MS = 5000;

/**
 * `p`, or a rejection naming `what` once `ms` milliseconds have passed (the timer is cleared
 * either way, so nothing is left to keep a process alive).
 *
 * @param p The promise to bound.
 * @param ms The limit in milliseconds.
 * @param what What is waited for (for the message).
 */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** In Node: true when the optional `webgpu` package (Dawn) loads and offers a hardware adapter. */
async function nodeWebGpuHardware(): Promise<boolean> {
  try {
    const adapter = await withTimeout(
      installNodeWebGpu(),
      GPU_PROBE_TIMEOUT_MS,
      'the WebGPU adapter request',
    );
    return !adapter.software;
  } catch {
    return false; // no package, no Vulkan driver, or too slow: not a candidate
  }
}

/** What the automatic choice may pick. */
export interface CandidateOptions {
  /**
   * Only backends with synchronous reads (what odeflow's synchronous API — `odeint`, `logProb`,
   * `sample`, the CLI's reports — needs): in Node this leaves out `webgpu`. Default false.
   */
  readonly syncReads?: boolean;
}

/**
 * The GPU backends worth trying, best first, for the automatic choice: only hardware ones (a
 * software renderer — SwiftShader, lavapipe — is slower than wasm, bench/results/gpu-*.json). In a
 * browser: `webgpu` with a hardware adapter, then `webgl` with a hardware renderer. In Node:
 * `webgpu` through Dawn when the optional `webgpu` package is installed and its adapter is a
 * hardware one (not `isFallbackAdapter`, not lavapipe/llvmpipe/SwiftShader) — unless
 * `syncReads` is asked for, since every synchronous read throws there.
 *
 * @param options `syncReads`: leave out backends without synchronous reads.
 */
export async function gpuCandidates(options: CandidateOptions = {}): Promise<Array<'webgpu' | 'webgl'>> {
  if (inNode()) return !options.syncReads && (await nodeWebGpuHardware()) ? ['webgpu'] : [];
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
 * True when the active backend computes a small matrix product correctly, read back with
 * `await data()` within {@link GPU_PROBE_TIMEOUT_MS} (so a stuck device cannot hang the choice):
 * the working check of the automatic choice, valid on backends without synchronous reads too.
 */
export async function backendWorksAsync(): Promise<boolean> {
  let t: tf.Tensor | undefined;
  try {
    t = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
    const v = await withTimeout(t.data(), GPU_PROBE_TIMEOUT_MS, 'the backend check');
    return v[0] === 19 && v[1] === 22 && v[2] === 43 && v[3] === 50;
  } catch {
    return false;
  } finally {
    t?.dispose();
  }
}
