// The pure-JS backend is registered on import, so plain tfjs calls always have a backend.
import '@tensorflow/tfjs-backend-cpu';
import { tf } from '../solvers/tf.js';
import { backendWorksAsync, type CandidateOptions, gpuCandidates, inNode } from './backend/gpu-auto.js';
import { installNodeWebGpu } from './backend/webgpu-node.js';
import { patchWasmKernels } from './wasm/index.js';

/** Names accepted by {@link initBackend}. `tensorflow` is the tfjs-node(-gpu) native backend. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgl' | 'webgpu';

/** Thrown when a requested backend cannot be used; the message says why and what to do. */
export class BackendUnavailableError extends Error {
  /** Always `'BackendUnavailableError'`. */
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
  const cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  if (cores) wasm.setThreadsCount(Math.max(1, cores));
  patchWasmKernels();
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
      if (inNode()) {
        throw new BackendUnavailableError(
          "backend 'webgl' needs a browser (a WebGL context); in Node use 'webgpu' (npm package webgpu), 'wasm' or 'cpu'",
        );
      }
      // registered already where the app imported @tensorflow/tfjs-backend-webgl itself (bundles)
      if (!tf.findBackendFactory('webgl')) {
        try {
          const webgl = '@tensorflow/tfjs-backend-webgl'; // optional peer: not resolved by bundlers
          await import(webgl);
        } catch (err) {
          throw new BackendUnavailableError(
            `backend 'webgl' is unavailable: ${(err as Error).message.split('\n')[0]}. ` +
              'Install @tensorflow/tfjs-backend-webgl and run where WebGL exists (browsers).',
          );
        }
      }
      break;
    case 'webgpu':
      if (inNode()) {
        try {
          await installNodeWebGpu();
        } catch (err) {
          throw new BackendUnavailableError(`backend 'webgpu' is unavailable: ${(err as Error).message}`);
        }
      }
      if (!tf.findBackendFactory('webgpu')) {
        try {
          const webgpu = '@tensorflow/tfjs-backend-webgpu'; // optional: not resolved by bundlers
          await import(webgpu);
        } catch (err) {
          throw new BackendUnavailableError(
            `backend 'webgpu' is unavailable: ${(err as Error).message.split('\n')[0]}. ` +
              'Install @tensorflow/tfjs-backend-webgpu and run where WebGPU exists.',
          );
        }
      }
      if (!tf.findBackendFactory('webgpu')) {
        throw new BackendUnavailableError(
          "backend 'webgpu' is unavailable: navigator.gpu does not exist here (a browser without WebGPU)",
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

/** The env variable `ODEFLOW_BACKEND`, where a `process` exists (Node). */
function envBackend(): BackendName | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return (env?.ODEFLOW_BACKEND || undefined) as BackendName | undefined;
}

/** The automatic selection in progress or done (memoized), or null before the first use. */
let auto: Promise<BackendName> | null = null;

async function select(name: BackendName | undefined, options: InitOptions = {}): Promise<BackendName> {
  // tfjs prints a "use tfjs-node" hint on first cpu use in Node; odeflow documents that itself.
  tf.env().set('PROD', true);
  const requested = name ?? envBackend();
  if (requested) {
    await activate(requested);
    return requested;
  }
  for (const candidate of ['tensorflow', ...(await gpuCandidates(options)), 'wasm', 'cpu'] as const) {
    try {
      await activate(candidate);
      if (!(await backendWorksAsync())) continue;
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new BackendUnavailableError('no tfjs backend could be initialised (tried tensorflow, wasm, cpu)');
}

/** Options of {@link initBackend}. */
export type InitOptions = CandidateOptions;

/**
 * Chooses and initialises the tfjs backend, and returns the name in use.
 *
 * With no `name`: the env variable `ODEFLOW_BACKEND` if set; else `tensorflow` if
 * `@tensorflow/tfjs-node-gpu` or `@tensorflow/tfjs-node` can be loaded; else a hardware GPU
 * backend — in a browser `webgpu`, then `webgl`; in Node `webgpu` through Dawn when the optional
 * `webgpu` package is installed and finds a hardware adapter (never a software renderer such as
 * lavapipe or SwiftShader, which are slower than wasm); else `wasm`; else `cpu` — each only if it
 * computes a small check correctly, read back asynchronously within 5 s (probes are bounded in
 * time, so nothing hangs). On `webgpu` in Node every synchronous read throws: use the async API
 * there (`odeintAsync`, `logProbAsync`, `sampleAsync`; `train` reads asynchronously), or pass
 * `{ syncReads: true }` (what the CLI does) to leave it out of the automatic choice.
 * A backend that is asked for by name (argument or env) and cannot be used throws
 * {@link BackendUnavailableError} saying why; automatic selection falls through silently.
 * Calling it is optional: {@link ready} makes the same automatic choice on first use.
 * Gradients of every op are registered as a side effect of importing odeflow.
 *
 * @param name `tensorflow`, `wasm`, `cpu`, `webgl` or `webgpu`; omitted: chosen automatically as above.
 * @param options `syncReads: true` leaves backends without synchronous reads out of the automatic choice.
 * @example
 * const backend = await initBackend(); // e.g. 'wasm'
 */
export async function initBackend(name?: BackendName, options: InitOptions = {}): Promise<BackendName> {
  const chosen = select(name, options);
  auto = chosen;
  chosen.catch(() => {
    if (auto === chosen) auto = null; // a failed choice leaves automatic selection to a later use
  });
  return chosen;
}

/**
 * Selects a backend automatically on first use — the order of {@link initBackend} without a
 * name — unless {@link initBackend} already chose one, and says once which (on the console).
 * odeflow's asynchronous entry points (training, flow matching) call it; the Node ESM entry awaits
 * it while the import resolves, so synchronous code after `import … from 'odeflow'` runs on the
 * chosen backend. Resolves to the backend name in use.
 */
export function ready(): Promise<BackendName> {
  if (!auto) {
    auto = select(undefined).then((name) => {
      const noSync =
        name === 'webgpu' && inNode()
          ? '; it has no synchronous reads here: use the async API (odeintAsync, logProbAsync, sampleAsync)'
          : '';
      console.info(
        `odeflow: using the '${name}' tfjs backend${noSync} (initBackend(name) or ODEFLOW_BACKEND to choose)`,
      );
      return name;
    });
  }
  return auto;
}
