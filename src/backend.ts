import { availableParallelism } from 'node:os';
import { tf } from '../solvers/tf.js';
import { patchWasmMatMul } from './wasm-matmul.js';

/** Names accepted by {@link initBackend}. `tensorflow` is the tfjs-node(-gpu) native backend. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgl' | 'webgpu';

/** Thrown when a requested backend cannot be used; the message says why and what to do. */
export class BackendUnavailableError extends Error {
  override name = 'BackendUnavailableError';
}

const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** Tries to load a native tfjs package; returns the error message on failure. */
async function loadNative(): Promise<{ ok: true; pkg: string } | { ok: false; why: string }> {
  const reasons: string[] = [];
  for (const pkg of NATIVE_PACKAGES) {
    try {
      await import(pkg);
      return { ok: true, pkg };
    } catch (err) {
      reasons.push(`${pkg}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { ok: false, why: reasons.join('; ') };
}

async function loadWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // Node's wasm build runs single-threaded (WASM_HAS_MULTITHREAD_SUPPORT is false there);
  // in browsers with cross-origin isolation this uses every core.
  wasm.setThreadsCount(Math.max(1, availableParallelism()));
  patchWasmMatMul();
}

async function activate(name: BackendName): Promise<void> {
  switch (name) {
    case 'tensorflow': {
      const native = await loadNative();
      if (!native.ok) {
        throw new BackendUnavailableError(
          `backend 'tensorflow' is unavailable: ${native.why}. Install @tensorflow/tfjs-node ` +
            '(or @tensorflow/tfjs-node-gpu with CUDA 11.2 + cuDNN 8.1); both download libtensorflow ' +
            "at install time and need internet. Use 'wasm' or 'cpu' otherwise.",
        );
      }
      break;
    }
    case 'wasm':
      await loadWasm();
      break;
    case 'cpu':
      break;
    case 'webgl':
      // registered by @tensorflow/tfjs; it works only where a WebGL context exists (browsers).
      break;
    case 'webgpu':
      try {
        await import('@tensorflow/tfjs-backend-webgpu' as string);
      } catch (err) {
        throw new BackendUnavailableError(
          `backend 'webgpu' is unavailable: ${(err as Error).message.split('\n')[0]}. ` +
            'Install @tensorflow/tfjs-backend-webgpu and run where WebGPU exists.',
        );
      }
      break;
    default:
      throw new BackendUnavailableError(
        `unknown backend '${name as string}': expected one of tensorflow, wasm, cpu, webgl, webgpu`,
      );
  }
  let ok = false;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    throw new BackendUnavailableError(
      `backend '${name}' failed to initialise: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (!ok) throw new BackendUnavailableError(`backend '${name}' failed to initialise in this environment`);
  await tf.ready();
}

/**
 * Chooses and initialises the tfjs backend, and returns the name in use.
 *
 * With no `name`: the env variable `ODEFLOW_BACKEND` if set; else `tensorflow` if
 * `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` can be loaded; else `wasm`; else `cpu`.
 * A backend that is asked for by name (argument or env) and cannot be used throws
 * {@link BackendUnavailableError} saying why; automatic selection falls through silently.
 * Gradients of every op are registered as a side effect of importing odeflow.
 *
 * @param name `tensorflow`, `wasm`, `cpu`, `webgl` or `webgpu`; omitted: chosen automatically as above.
 * @example
 * const backend = await initBackend(); // e.g. 'wasm'
 */
export async function initBackend(name?: BackendName): Promise<BackendName> {
  // tfjs prints a "use tfjs-node" hint on first cpu use in Node; odeflow documents that itself.
  tf.env().set('PROD', true);
  const requested = name ?? (process.env.ODEFLOW_BACKEND as BackendName | undefined);
  if (requested) {
    await activate(requested);
    return requested;
  }
  for (const candidate of ['tensorflow', 'wasm', 'cpu'] as const) {
    try {
      await activate(candidate);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new BackendUnavailableError('no tfjs backend could be initialised (tried tensorflow, wasm, cpu)');
}
