/**
 * The CLI's checkpoint layout (src/train/checkpoint.ts) written and read without a file system:
 * `checkpoint.json` (format 'odeflow-checkpoint', version 1: the model config, a tfjs weights
 * manifest naming the binary file, the training state) plus `weights-<tag>.bin` (the parameters
 * in `params` order, tfjs weights encoding). Saved files are Blob downloads; loading takes the
 * files a person picks (or drops), e.g. the whole directory that `odeflow train --out DIR` wrote.
 */
import { type DensityModel, type ModelConfig, modelFromConfig, tf } from './odeflow.js';

/** Name of the JSON file of a checkpoint (as the CLI names it). */
export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'odeflow-checkpoint';
const VERSION = 1;

interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

interface CheckpointFile {
  format: string;
  version: number;
  model: ModelConfig;
  weightsManifest: ManifestGroup[];
  optimizerManifest?: ManifestGroup[];
  state: { iteration: number; history: unknown[]; meta: Record<string, unknown> };
  savedAt: string;
}

/** One file of a checkpoint, by its base name. */
export interface NamedFile {
  name: string;
  data: ArrayBuffer;
}

/** Thrown for files that are not a readable checkpoint; the message says what is wrong. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

function concat(buffers: ArrayBuffer[]): ArrayBuffer {
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let off = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), off);
    off += b.byteLength;
  }
  return out.buffer;
}

/**
 * Encodes `model` as the two files of a checkpoint. Refuses non-finite parameters, as the CLI
 * does. `meta` is stored under `state.meta` (data set, settings).
 */
export async function encodeCheckpoint(
  model: DensityModel,
  iteration: number,
  meta: Record<string, unknown>,
): Promise<NamedFile[]> {
  for (const [i, p] of model.params.entries()) {
    const v = await p.data();
    if (!v.every((x) => Number.isFinite(x))) {
      throw new CheckpointError(`parameter ${i} ('${p.name}') has a non-finite value: nothing to export`);
    }
  }
  const tag = `${String(iteration).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;
  const weightsName = `weights-${tag}.bin`;
  const encoded = await tf.io.encodeWeights(model.params.map((p, i) => ({ name: `param${i}`, tensor: p })));
  const file: CheckpointFile = {
    format: FORMAT,
    version: VERSION,
    model: model.config(),
    weightsManifest: [{ paths: [weightsName], weights: encoded.specs }],
    state: { iteration, history: [], meta },
    savedAt: new Date().toISOString(),
  };
  const json = new TextEncoder().encode(`${JSON.stringify(file)}\n`);
  const data = Array.isArray(encoded.data) ? concat(encoded.data) : encoded.data;
  return [
    { name: CHECKPOINT_FILE, data: json.buffer as ArrayBuffer },
    { name: weightsName, data },
  ];
}

/** A checkpoint read back: the rebuilt model and what the JSON said. */
export interface LoadedCheckpoint {
  model: DensityModel;
  iteration: number;
  meta: Record<string, unknown>;
}

/**
 * Rebuilds the model of a checkpoint from its files (`checkpoint.json` and the binaries it
 * names; other files are ignored). Checks format, version, weight count and shapes; the
 * optimizer state, if present, is not used (training in the page restarts Adam).
 */
export function decodeCheckpoint(files: readonly NamedFile[]): LoadedCheckpoint {
  const byName = new Map(files.map((f) => [f.name, f.data]));
  const jsonBytes = byName.get(CHECKPOINT_FILE);
  if (!jsonBytes) {
    throw new CheckpointError(
      `no ${CHECKPOINT_FILE} among the files given (${files.map((f) => f.name).join(', ') || 'none'}); ` +
        'pick the checkpoint directory, or checkpoint.json with its weights-*.bin',
    );
  }
  let file: CheckpointFile;
  try {
    file = JSON.parse(new TextDecoder().decode(jsonBytes)) as CheckpointFile;
  } catch (err) {
    throw new CheckpointError(`${CHECKPOINT_FILE} is not JSON: ${(err as Error).message}`);
  }
  if (file.format !== FORMAT || file.version !== VERSION) {
    throw new CheckpointError(
      `${CHECKPOINT_FILE} is not an odeflow checkpoint of version ${VERSION} (format '${file.format}', version ${file.version})`,
    );
  }
  const dim =
    (file.model as { dim?: unknown }).dim ?? (file.model as { field?: { dim?: unknown } }).field?.dim;
  if (dim !== 2) {
    throw new CheckpointError(
      `the playground shows 2-D models; this checkpoint's model has dim ${String(dim)}`,
    );
  }
  const group = file.weightsManifest;
  const buffers = group.flatMap((g) =>
    g.paths.map((p) => {
      const b = byName.get(p);
      if (!b)
        throw new CheckpointError(`${CHECKPOINT_FILE} names '${p}', which is not among the files given`);
      return b;
    }),
  );
  const specs = group.flatMap((g) => g.weights);
  const model = modelFromConfig(file.model);
  const saved = tf.io.decodeWeights(concat(buffers), specs);
  try {
    if (specs.length !== model.params.length) {
      throw new CheckpointError(
        `checkpoint has ${specs.length} weights but a '${file.model.kind}' model built from its config has ${model.params.length}`,
      );
    }
    model.params.forEach((p, i) => {
      const t = saved[specs[i].name];
      if (!tf.util.arraysEqual(p.shape, t.shape)) {
        throw new CheckpointError(
          `weight ${i} has shape [${t.shape.join(', ')}]; the model expects [${p.shape.join(', ')}]`,
        );
      }
      p.assign(t);
    });
  } catch (err) {
    tf.dispose(model.params as tf.Variable[]);
    throw err;
  } finally {
    tf.dispose(Object.values(saved));
  }
  return { model, iteration: file.state?.iteration ?? 0, meta: file.state?.meta ?? {} };
}
