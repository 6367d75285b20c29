import { tf } from '../../solvers/tf.js';

/** The two WebGPU device calls the guard uses. */
interface ErrorScopes {
  pushErrorScope(filter: 'validation' | 'out-of-memory'): void;
  popErrorScope(): Promise<{ message: string } | null>;
}

function isErrorScopes(d: unknown): d is ErrorScopes {
  return (
    typeof d === 'object' &&
    d !== null &&
    'pushErrorScope' in d &&
    typeof d.pushErrorScope === 'function' &&
    'popErrorScope' in d &&
    typeof d.popErrorScope === 'function'
  );
}

/** The WebGPU device of the active backend when it is `webgpu` (null on every other backend). */
function webgpuDevice(): ErrorScopes | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const backend: object = tf.backend();
  const device = 'device' in backend ? backend.device : undefined;
  return isErrorScopes(device) ? device : null;
}

/**
 * Watches a stretch of work for WebGPU device errors. WebGPU reports an invalid kernel (e.g.
 * more storage buffers than the adapter allows) or an allocation failure only to an error scope;
 * the work batched with it silently computes garbage. `open` pushes validation and out-of-memory
 * scopes, `close` pops them (after the reads that submit the work) and returns the first error's
 * message, or null. Does nothing on other backends.
 */
export class DeviceErrorGuard {
  private readonly device = webgpuDevice();
  private depth = 0;

  /** Starts watching. */
  open(): void {
    if (!this.device || this.depth > 0) return;
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    this.depth = 2;
  }

  /** Stops watching; the first error reported since {@link open}, or null. */
  async close(): Promise<string | null> {
    let message: string | null = null;
    while (this.device && this.depth > 0) {
      this.depth--;
      const err = await this.device.popErrorScope();
      message ??= err?.message ?? null;
    }
    return message;
  }
}
