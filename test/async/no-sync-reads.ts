import { vi } from 'vitest';
import { tf } from '../../solvers/tf.js';

/**
 * Runs `fn` with every synchronous read of a tensor (dataSync, arraySync, bufferSync) made to
 * throw, as on WebGPU in Node (where each throws "OffscreenCanvas is not defined"). Returns how
 * many synchronous reads were attempted (0 for a solve that never blocks on the device).
 */
export async function withoutSyncReads<T>(fn: () => Promise<T> | T): Promise<{ value: T; attempts: number }> {
  let attempts = 0;
  const fail = () => {
    attempts++;
    throw new Error('synchronous read attempted');
  };
  const spies = [
    vi.spyOn(tf.Tensor.prototype, 'dataSync').mockImplementation(fail),
    vi.spyOn(tf.Tensor.prototype, 'arraySync').mockImplementation(fail),
    vi.spyOn(tf.Tensor.prototype, 'bufferSync').mockImplementation(fail),
  ];
  try {
    const value = await fn();
    return { value, attempts };
  } finally {
    for (const s of spies) s.mockRestore();
  }
}
