/**
 * Entry of a gradient worker thread (see worker-pool.ts): builds the model from the config it is
 * given, then answers each request — parameters and a shard of the batch — with the shard's loss
 * and flat gradient. Errors go back as messages (name, message, whether an ODE solver failed).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { OdeError } from '../../solvers/errors.js';
import { tf } from '../../solvers/tf.js';
import { type BackendName, initBackend } from '../backend.js';
import type { ModelConfig } from '../model.js';
import { assignFlat } from './flat.js';
import { MODEL_TABLE } from './models.js';
import { shardGradient } from './shard-gradient.js';

/** What the pool sends at start. */
interface Start {
  config: ModelConfig;
  backend: string;
}
/** One request. */
interface Request {
  id: number;
  params: Float32Array;
  x: Float32Array;
  rows: number;
  cols: number;
}

const port = parentPort;
if (!port) throw new Error('grad-worker.ts runs as a worker thread (see createWorkerPool)');
const { config, backend } = workerData as Start;
try {
  await initBackend(backend as BackendName);
  const entry = MODEL_TABLE[config.kind];
  if (!entry) throw new Error(`model kind '${config.kind}' is not in the model table`);
  const model = entry.create(config);
  port.on('message', (req: Request) => {
    try {
      assignFlat(model.params, req.params);
      const x = tf.tensor2d(req.x, [req.rows, req.cols], 'float32');
      try {
        const r = shardGradient(model, x);
        port.postMessage({ id: req.id, ...r, tensors: tf.memory().numTensors }, [
          r.grads.buffer as ArrayBuffer,
        ]);
      } finally {
        x.dispose();
      }
    } catch (err) {
      const e = err as Error;
      port.postMessage({
        id: req.id,
        error: { name: e.name, message: e.message, ode: err instanceof OdeError },
      });
    }
  });
  port.postMessage({ ready: true });
} catch (err) {
  const e = err as Error;
  port.postMessage({ id: -1, error: { name: e.name, message: e.message, ode: false } });
}
