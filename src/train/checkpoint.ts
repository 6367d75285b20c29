import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tf } from '../../solvers/tf.js';
import { removeStaleTemps, writeFileAtomic } from '../atomic.js';
import { checkModelConfig } from '../config-bounds.js';
import { FileError, readBytes, readText } from '../files.js';
import type { IterationRecord } from '../metrics/history.js';
import type { DensityModel, ModelConfig } from '../model.js';
import type { AdamW, NamedTensor } from './adamw.js';
import { MODEL_TABLE, type ModelTable, modelFromConfig } from './models.js';

/** Name of the file that describes a checkpoint (written last, atomically). */
export const CHECKPOINT_FILE = 'checkpoint.json';
const FORMAT = 'odeflow-checkpoint';

/**
 * A checkpoint file is missing, malformed, truncated, out of bounds or refers outside its own
 * folder; the message names the file.
 */
export class CheckpointError extends Error {
  /** Always `'CheckpointError'`. */
  override name = 'CheckpointError';
  /**
   * Creates the error; the message is prefixed with the path.
   *
   * @param path The file concerned.
   * @param message What is wrong with it.
   */
  constructor(
    /** The file concerned. */
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** Binary file names a manifest may use: plain names inside the checkpoint's folder. */
const BIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,200}\.bin$/;
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
  /** Training state: iteration, history and metadata (empty when not saved). */
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

/** Reads every parameter with `await data()` (no synchronous read: checkpoints are written on WebGPU too). */
async function assertFinite(model: DensityModel): Promise<void> {
  for (const [i, p] of model.params.entries()) {
    if (p.dtype !== 'float32') continue;
    const v = await p.data();
    for (let k = 0; k < v.length; k++) {
      if (!Number.isFinite(v[k])) {
        throw new Error(
          `refusing to checkpoint: parameter ${i} ('${p.name}', shape [${p.shape.join(', ')}]) has a ` +
            `non-finite value (${v[k]}) at flat index ${k}; the previous checkpoint is kept`,
        );
      }
    }
  }
}

/**
 * Saves `model` (config JSON + weights in the tfjs weights format) and the training state into
 * `dir`, atomically: binaries go to new files first, then `checkpoint.json` (which names them)
 * replaces the old one by rename, then stale binaries are removed. A reader therefore always sees
 * either the previous checkpoint or the new one, whole. Refuses (throws, keeping the previous
 * checkpoint) if any parameter is NaN/Inf.
 *
 * @param dir Run directory (created if missing).
 * @param model The model: its config and weights are saved.
 * @param state Training state: iteration, and optionally history and metadata.
 * @param optimizer Optimizer whose state is saved too, if given.
 *
 * @example
 * await saveCheckpoint('runs/mine', model, { iteration: 500, history: result.history });
 * const { model: again } = await loadCheckpoint('runs/mine');
 */
export async function saveCheckpoint(
  dir: string,
  model: DensityModel,
  state: CheckpointState,
  optimizer?: AdamW,
): Promise<void> {
  await assertFinite(model);
  removeStaleTemps(dir);
  const previous = ownBinaries(dir);
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
    // fresh tensors (AdamW keeps its moments flat and splits them per parameter here); dispose any that are not variables
    for (const t of state) if (!(t.tensor instanceof tf.Variable)) t.tensor.dispose();
    const optName = `optimizer-${tag}.bin`;
    writeFileAtomic(join(dir, optName), toBytes(encoded.data));
    file.optimizerManifest = [{ paths: [optName], weights: encoded.specs }];
  }
  writeFileAtomic(join(dir, CHECKPOINT_FILE), `${JSON.stringify(file)}\n`);
  // remove only the binaries the replaced checkpoint.json named: never files someone else wrote
  const keep = new Set([weightsName, ...(file.optimizerManifest?.[0].paths ?? [])]);
  for (const name of previous) if (!keep.has(name)) rmSync(join(dir, name), { force: true });
}

/** The binaries named by the checkpoint.json in `dir` (none if there is none or it is not ours). */
function ownBinaries(dir: string): string[] {
  try {
    const file = JSON.parse(readText(join(dir, CHECKPOINT_FILE))) as Partial<CheckpointFile>;
    if (file.format !== FORMAT) return [];
    return [...(file.weightsManifest ?? []), ...(file.optimizerManifest ?? [])]
      .flatMap((g) => g.paths)
      .filter((p) => typeof p === 'string' && BIN_NAME.test(p));
  } catch {
    return [];
  }
}

function readGroup(dir: string, groups: ManifestGroup[], path: string, what: string): NamedTensor[] {
  const specs = groups.flatMap((g) => g.weights);
  const bytes = toBytes(
    groups.flatMap((g) =>
      g.paths.map((p) => {
        const b = readBytes(join(dir, p), 'checkpoint weights');
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
      }),
    ),
  );
  let expected = 0;
  for (const s of specs) {
    const n = s.shape.reduce((a, b) => a * b, 1);
    expected += n * (s.dtype === 'float32' || s.dtype === 'int32' ? 4 : 1);
  }
  const files = groups.flatMap((g) => g.paths).join(', ');
  if (bytes.byteLength !== expected) {
    throw new CheckpointError(
      path,
      `${what} file(s) ${files} hold ${bytes.byteLength} bytes, the manifest describes ${expected} (truncated or foreign file)`,
    );
  }
  // checked on the bytes, before any tensor exists (no read back from a device: loads on WebGPU too)
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype === 'float32') {
      const v = new Float32Array(
        bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + 4 * n),
      );
      for (let k = 0; k < n; k++) {
        if (!Number.isFinite(v[k])) {
          throw new CheckpointError(
            path,
            `${what} '${spec.name}' in ${files} has a non-finite value (${v[k]}) at flat index ${k}`,
          );
        }
      }
    }
    offset += n * (spec.dtype === 'float32' || spec.dtype === 'int32' ? 4 : 1);
  }
  const map = tf.io.decodeWeights(bytes.buffer as ArrayBuffer, specs);
  const out = specs.map((s) => ({ name: s.name, tensor: map[s.name] }));
  return out;
}

/**
 * Whether `dir` holds a checkpoint.
 *
 * @param dir The run directory.
 */
export function hasCheckpoint(dir: string): boolean {
  return existsSync(join(dir, CHECKPOINT_FILE));
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a manifest's shape, and that every path is a plain file name inside the folder. */
function checkManifest(
  path: string,
  key: string,
  groups: unknown,
  maxWeights = 10_000,
): asserts groups is ManifestGroup[] {
  const bad = (why: string): never => {
    throw new CheckpointError(path, `${key} ${why}`);
  };
  if (!Array.isArray(groups) || groups.length === 0 || groups.length > 64)
    bad('must be a list of 1..64 groups');
  for (const g of groups as unknown[]) {
    if (!isObject(g) || !Array.isArray(g.paths) || !Array.isArray(g.weights))
      bad('groups need paths and weights lists');
    const group = g as { paths: unknown[]; weights: unknown[] };
    for (const p of group.paths) {
      if (typeof p !== 'string' || !BIN_NAME.test(p)) {
        bad(
          `path ${JSON.stringify(p)} is refused: a checkpoint reads only plain '*.bin' file names inside its own folder`,
        );
      }
    }
    if (group.weights.length > maxWeights) bad(`has more than ${maxWeights} weights`);
    for (const w of group.weights) {
      const ok =
        isObject(w) &&
        typeof w.name === 'string' &&
        Array.isArray(w.shape) &&
        w.shape.length <= 8 &&
        w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0 && (d as number) <= 1e8) &&
        (w.dtype === 'float32' || w.dtype === 'int32') &&
        w.quantization === undefined;
      if (!ok) bad(`entry ${JSON.stringify(w).slice(0, 80)} is not a float32/int32 weight with a shape`);
    }
  }
}

/** Validates the JSON of a checkpoint file (everything a file can set), naming the file. */
function checkFile(path: string, raw: unknown): CheckpointFile {
  if (!isObject(raw) || raw.format !== FORMAT || raw.version !== VERSION) {
    throw new CheckpointError(path, `not an odeflow checkpoint of version ${VERSION}`);
  }
  const model = raw.model;
  try {
    checkModelConfig(model, path);
  } catch (err) {
    throw new CheckpointError(path, (err as Error).message.slice(path.length + 2));
  }
  const weightsManifest = raw.weightsManifest;
  checkManifest(path, 'weightsManifest', weightsManifest);
  const optimizerManifest = raw.optimizerManifest;
  if (optimizerManifest !== undefined) checkManifest(path, 'optimizerManifest', optimizerManifest);
  const st = raw.state;
  if (!isObject(st)) throw new CheckpointError(path, 'state must be an object');
  const iteration = st.iteration;
  if (!(typeof iteration === 'number' && Number.isInteger(iteration) && iteration >= 0 && iteration <= 1e9)) {
    throw new CheckpointError(
      path,
      `state.iteration = ${JSON.stringify(st.iteration)} is invalid: expected a whole number in 0..1000000000`,
    );
  }
  const history = st.history;
  if (!Array.isArray(history) || !history.every(isIterationRecord)) {
    throw new CheckpointError(path, 'state.history must be a list of iteration records');
  }
  const meta = st.meta;
  if (!isObject(meta)) throw new CheckpointError(path, 'state.meta must be an object');
  return {
    format: FORMAT,
    version: VERSION,
    model,
    weightsManifest,
    ...(optimizerManifest === undefined ? {} : { optimizerManifest }),
    state: { iteration, history, meta },
    savedAt: typeof raw.savedAt === 'string' ? raw.savedAt : '',
  };
}

/** An iteration record as `train` writes it: finite numbers, `info` a record of numbers. */
function isIterationRecord(r: unknown): r is IterationRecord {
  const num = (v: unknown) => typeof v === 'number';
  const opt = (v: unknown) => v === undefined || num(v);
  return (
    isObject(r) &&
    num(r.iteration) &&
    num(r.loss) &&
    num(r.gradNorm) &&
    num(r.seconds) &&
    num(r.elapsed) &&
    opt(r.testNll) &&
    opt(r.testBpd) &&
    isObject(r.info) &&
    Object.values(r.info).every(num)
  );
}

/** Disposes a model built while loading failed: `dispose()` when it has one, else its variables. */
function discard(model: DensityModel): void {
  const d = (model as { dispose?: () => void }).dispose;
  if (typeof d === 'function') d.call(model);
  else for (const p of model.params) p.dispose();
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}: validates the file (format, bounds on
 * every config value, manifest paths confined to `dir`, finite weights of the sizes the manifest
 * states), rebuilds the model from its config through the model table (`table`, default odeflow's
 * {@link MODEL_TABLE}), assigns the saved weights (checking count and shapes), and returns it
 * with the training state and optimizer state. Failures throw {@link CheckpointError} (or
 * {@link FileError}) naming the file, and leave no tensors behind.
 *
 * @param dir A run directory written by {@link saveCheckpoint} (or `odeflow train`).
 * @param table The model table that rebuilds the model. Default {@link MODEL_TABLE}.
 *
 * @example
 * const { model, state } = await loadCheckpoint('runs/8gaussians-cnf');
 */
export async function loadCheckpoint(dir: string, table: ModelTable = MODEL_TABLE): Promise<Checkpoint> {
  const path = join(dir, CHECKPOINT_FILE);
  if (!existsSync(path)) {
    throw new FileError(
      path,
      `no checkpoint in '${dir}': ${CHECKPOINT_FILE} not found (train with --out ${dir} first)`,
      'ENOENT',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readText(path, 'checkpoint'));
  } catch (err) {
    if (err instanceof FileError) throw err;
    throw new CheckpointError(path, `is not valid JSON (${(err as Error).message})`);
  }
  const file = checkFile(path, raw);
  let model: DensityModel;
  try {
    model = modelFromConfig(file.model, table);
  } catch (err) {
    throw new CheckpointError(path, `model config refused: ${(err as Error).message}`);
  }
  try {
    const saved = readGroup(dir, file.weightsManifest, path, 'weight');
    try {
      if (saved.length !== model.params.length) {
        throw new CheckpointError(
          path,
          `checkpoint has ${saved.length} weights but a '${file.model.kind}' model built from its ` +
            `config has ${model.params.length} parameters`,
        );
      }
      model.params.forEach((p, i) => {
        const t = saved[i].tensor;
        if (!tf.util.arraysEqual(p.shape, t.shape)) {
          throw new CheckpointError(
            path,
            `weight ${i} has shape [${t.shape.join(', ')}], the model expects [${p.shape.join(', ')}]`,
          );
        }
        p.assign(t);
      });
    } finally {
      tf.dispose(saved.map((s) => s.tensor));
    }
    const optimizer = file.optimizerManifest
      ? readGroup(dir, file.optimizerManifest, path, 'optimizer state')
      : undefined;
    return { model, state: file.state, optimizer, dir };
  } catch (err) {
    discard(model);
    throw err;
  }
}
