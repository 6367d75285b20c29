import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../solvers/tf.js';
import type { DensityModel, ModelConfig } from '../model.js';
import { modelFromConfig, registeredKinds } from '../registry.js';
import type { AdamW, NamedTensor } from './adamw.js';
import { writeFileAtomic } from './atomic.js';
import type { IterationRecord } from './history.js';
import { loadModelKinds } from './models.js';

/** Name of the file that describes a checkpoint (written last, atomically). */
export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'odeflow-checkpoint';
const VERSION = 1;

/** Training state stored with a checkpoint. */
export interface CheckpointState {
  /** Iterations completed. */
  iteration: number;
  /** Per-iteration records so far (for reports and resumed runs). Default []. */
  history?: IterationRecord[];
  /** Free-form JSON (data set name, seed, training options, …). */
  meta?: Record<string, unknown>;
}

/** A tfjs weights manifest group (as in tfjs `model.json`). */
interface ManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** The JSON file of a checkpoint. */
interface CheckpointFile {
  format: typeof FORMAT;
  version: number;
  model: ModelConfig;
  /** tfjs weights manifest of the model's parameters, in `params` order. */
  weightsManifest: ManifestGroup[];
  /** tfjs weights manifest of the optimizer state, when saved. */
  optimizerManifest?: ManifestGroup[];
  state: Required<CheckpointState>;
  savedAt: string;
}

/** A loaded checkpoint. */
export interface Checkpoint {
  /** The model, rebuilt through the registry with the saved weights. */
  model: DensityModel;
  state: Required<CheckpointState>;
  /** Optimizer state for {@link AdamW.setState}, if saved (the caller disposes it). */
  optimizer?: NamedTensor[];
  /** The directory it was read from. */
  dir: string;
}

function toBytes(data: ArrayBuffer | ArrayBuffer[]): Uint8Array {
  const buffers = Array.isArray(data) ? data : [data];
  const out = new Uint8Array(buffers.reduce((n, b) => n + b.byteLength, 0));
  let off = 0;
  for (const b of buffers) {
    out.set(new Uint8Array(b), off);
    off += b.byteLength;
  }
  return out;
}

function assertFinite(model: DensityModel): void {
  model.params.forEach((p, i) => {
    if (p.dtype !== 'float32') return;
    const v = p.dataSync();
    for (let k = 0; k < v.length; k++) {
      if (!Number.isFinite(v[k])) {
        throw new Error(
          `refusing to checkpoint: parameter ${i} ('${p.name}', shape [${p.shape.join(', ')}]) has a ` +
            `non-finite value (${v[k]}) at flat index ${k}; the previous checkpoint is kept`,
        );
      }
    }
  });
}

/**
 * Saves `model` (config JSON + weights in the tfjs weights format) and the training state into
 * `dir`, atomically: binaries go to new files first, then `checkpoint.json` (which names them)
 * replaces the old one by rename, then stale binaries are removed. A reader therefore always sees
 * either the previous checkpoint or the new one, whole. Refuses (throws, keeping the previous
 * checkpoint) if any parameter is NaN/Inf.
 */
export async function saveCheckpoint(
  dir: string,
  model: DensityModel,
  state: CheckpointState,
  optimizer?: AdamW,
): Promise<void> {
  assertFinite(model);
  const tag = `${String(state.iteration).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;
  const named = model.params.map((p, i) => ({ name: `param${i}`, tensor: p }));
  const weights = await tf.io.encodeWeights(named);
  const weightsName = `weights-${tag}.bin`;
  writeFileAtomic(join(dir, weightsName), toBytes(weights.data));
  const file: CheckpointFile = {
    format: FORMAT,
    version: VERSION,
    model: model.config(),
    weightsManifest: [{ paths: [weightsName], weights: weights.specs }],
    state: { iteration: state.iteration, history: state.history ?? [], meta: state.meta ?? {} },
    savedAt: new Date().toISOString(),
  };
  if (optimizer) {
    const state = await optimizer.getState();
    const opt = state.map((t, i) => ({ name: `opt${i}`, tensor: t.tensor }));
    const encoded = await tf.io.encodeWeights(opt);
    // tfjs makes a fresh scalar for the step count ('iter'); the rest are the optimizer's own variables
    for (const t of state) if (!(t.tensor instanceof tf.Variable)) t.tensor.dispose();
    const optName = `optimizer-${tag}.bin`;
    writeFileAtomic(join(dir, optName), toBytes(encoded.data));
    file.optimizerManifest = [{ paths: [optName], weights: encoded.specs }];
  }
  writeFileAtomic(join(dir, CHECKPOINT_FILE), `${JSON.stringify(file)}\n`);
  const keep = new Set([weightsName, ...(file.optimizerManifest?.[0].paths ?? [])]);
  for (const name of readdirSync(dir)) {
    if (/^(weights|optimizer)-.*\.bin$/.test(name) && !keep.has(name))
      rmSync(join(dir, name), { force: true });
  }
}

function readGroup(dir: string, groups: ManifestGroup[]): NamedTensor[] {
  const specs = groups.flatMap((g) => g.weights);
  const bytes = toBytes(
    groups.flatMap((g) =>
      g.paths.map((p) => {
        const b = readFileSync(join(dir, p));
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      }),
    ),
  );
  const map = tf.io.decodeWeights(bytes.buffer as ArrayBuffer, specs);
  return specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
}

/** Whether `dir` holds a checkpoint. */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_FILE));
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: rebuilds the model from its config via the
 * registry (loading odeflow's own model kinds first if needed), assigns the saved weights (checking
 * count and shapes), and returns it with the training state and optimizer state.
 *
 * @param dir A run directory written by {@link saveCheckpoint} (or `odeflow train`).
 * @example
 * const { model, state } = await loadCheckpoint('runs/8gaussians-cnf');
 */
export async function loadCheckpoint(dir: string): Promise<Checkpoint> {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) {
    throw new Error(
      `no checkpoint in '${dir}': ${CHECKPOINT_FILE} not found (train with --out ${dir} first)`,
    );
  }
  const file = JSON.parse(readFileSync(path, 'utf8')) as CheckpointFile;
  if (file.format !== FORMAT || file.version !== VERSION) {
    throw new Error(`${path}: not an odeflow checkpoint of version ${VERSION}`);
  }
  if (!registeredKinds().includes(file.model.kind)) await loadModelKinds();
  const model = modelFromConfig(file.model);
  const saved = readGroup(dir, file.weightsManifest);
  try {
    if (saved.length !== model.params.length) {
      throw new Error(
        `${path}: checkpoint has ${saved.length} weights but a '${file.model.kind}' model built from its ` +
          `config has ${model.params.length} parameters`,
      );
    }
    model.params.forEach((p, i) => {
      const t = saved[i].tensor;
      if (!tf.util.arraysEqual(p.shape, t.shape)) {
        throw new Error(
          `${path}: weight ${i} has shape [${t.shape.join(', ')}], the model expects [${p.shape.join(', ')}]`,
        );
      }
      p.assign(t);
    });
  } finally {
    tf.dispose(saved.map((s) => s.tensor));
  }
  const optimizer = file.optimizerManifest ? readGroup(dir, file.optimizerManifest) : undefined;
  return { model, state: file.state, optimizer, dir };
}
