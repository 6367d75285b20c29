/**
 * The odeflow command line (the `odeflow` bin; `tsx src/cli.ts` in the repository): `train`, `sample`, `eval`, `report`, each with `--help`.
 * `npm start` runs `train` with its defaults.
 */
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { tf } from '../solvers/tf.js';
import { cmdFit } from './cli/fit.js';
import { backend, num, parse, str } from './cli/flags.js';
import { FlagError, type Flags, MODEL_FLAG_NAMES, MODEL_FLAGS_HELP, modelFlags } from './cli/model-flags.js';
import { evalCsvFile, MAX_SAMPLES, rowProgress, writeSamples } from './cli/streaming.js';
import { cmdTrainVae, wantsVae } from './cli/train-vae.js';
import { checkPixels, type DataSource, dataNames, dataSource, isDataName } from './cli-data.js';
import { runMeta, writeRunReport } from './cli-report.js';
import { reportCompare } from './cli-report-compare.js';
import { EXIT_INTERRUPTED, RunReporter } from './cli-train-run.js';
import type { IterationRecord } from './metrics/history.js';
import type { DensityModel } from './model.js';
import { hasCheckpoint, loadCheckpoint, saveCheckpoint } from './train/checkpoint.js';
import { provideCheckpointWriter } from './train/checkpoint-writer.js';
import { evaluate, imageInfo } from './train/evaluate.js';
import { availableKinds, createModel, MODEL_TABLE, type ModelTable } from './train/models.js';
import type { ProgressSink } from './train/progress.js';
import { provideShardPool } from './train/shards.js';
import { useNodeTerminal } from './train/terminal.js';
import { TrainingDivergedError, train } from './train/train.js';
import { createWorkerPool } from './train/worker-pool.js';
import { VERSION } from './version.js';

provideCheckpointWriter(saveCheckpoint); // train({ checkpointDir }) writes with it
provideShardPool(createWorkerPool); // train({ workers }) starts worker threads with it
useNodeTerminal(); // the progress bar and colours of Node terminals

/** Where the CLI writes; tests pass their own. */
export interface CliIO {
  stdout: ProgressSink;
  stderr: ProgressSink;
  /** The model table checkpoints and --model are read from (default odeflow's MODEL_TABLE). */
  table?: ModelTable;
}

/** A usage error: printed with a pointer to `--help`, exit status 2. */
class UsageError extends Error {}

/** Default iterations of `train` per model kind: small enough that `npm start` ends in minutes on 2 cores. */
export const DEFAULT_ITERATIONS: Record<string, number> = { cnf: 800, 'flow-matching': 1000 };

/**
 * Batch size, learning rate and weight decay per model kind where they differ from the general
 * defaults (100, 1e-3, 1e-5): flow matching regresses cheap batches, so bigger ones and a larger
 * step fit it best (OT-CFM reaches NLL 3.0 on 8gaussians in ~700 iterations, ~8 s, with these).
 */
const TRAIN_DEFAULTS: Record<string, { batch: number; lr: number; weightDecay: number }> = {
  'flow-matching': { batch: 128, lr: 3e-3, weightDecay: 0 },
};
const OBJECTIVES = ['ml', 'cfm', 'ot-cfm', 'rectified'] as const;
const DEFAULT_ITERATIONS_OTHER = 1000;

const HELP = {
  main: `odeflow — neural ODEs and continuous normalizing flows on TensorFlow.js

usage: odeflow <command> [options]

commands:
  train    train a density model on toy data or the 8×8 digits, checkpoint it, write report.html
  sample   draw samples from a checkpoint (CSV)
  eval     negative log-likelihood (bits/dim for images) of a checkpoint on held-out data or a CSV file
  report   rebuild report.html from a checkpoint
  fit      fit a flow to an unnormalised 2-D density (Rezende & Mohamed's U1–U4) by reverse KL

'<command> --help' describes each command's options; --version prints the version.`,
  train: `usage: odeflow train [options]

Trains a model on a toy 2-D density or on the 8×8 digits with Adam (decoupled weight decay),
evaluates held-out NLL (and bits/dim on digits), checkpoints into --out (atomically) and writes
--out/report.html (works offline). On digits the model is built for images (imageShape [8, 8, 1],
17 pixel levels): use --model realnvp, glow or nsf (multi-scale); the report shows bits/dim and a grid
of model samples next to real digits.

options:
  --data NAME          ${dataNames.join(', ')} (default 8gaussians), or a .csv file of
                       points (one per line; a bad value or width is refused by line and column)
  --model KIND         model kind (default cnf): ${Object.keys(MODEL_TABLE).join(', ')}, or any registered kind
  --objective OBJ      how a cnf is trained: ml (maximum likelihood, default), or by flow matching:
                       cfm, ot-cfm (minibatch optimal transport), rectified (model kind flow-matching;
                       default batch 128, lr 3e-3, no weight decay, 1000 iterations)
${MODEL_FLAGS_HELP}
  --iters N            total iterations (default ${DEFAULT_ITERATIONS.cnf} for cnf — about a few minutes
                       on 2 cores; ${DEFAULT_ITERATIONS_OTHER} for other kinds)
  --batch B            batch size (default 100)
  --workers N          data-parallel threads: the batch is split into N shards, one per thread, and
                       their gradients combined (default 1; see docs/performance.md)
  --lr LR              learning rate (default 1e-3)
  --weight-decay WD    decoupled weight decay (default 1e-5)
  --eval-every K       held-out NLL every K iterations, checkpoint too (default 100)
  --test-size N        held-out points (default 1000; digits: 297 of the 1,797 images held out)
  --seed S             seed of data and initial weights (default 0)
  --out DIR            run directory (default runs/<data>-<model>)
  --resume             continue from the checkpoint in --out (optimizer state included)
  --backend NAME       tensorflow, wasm, cpu, webgl, webgpu (default: automatic)
  --quiet              no progress display
  -h, --help           this text`,
  sample: `usage: odeflow sample --checkpoint DIR [options]

Draws samples from a trained model and writes them as CSV (header x0,x1,…).

options:
  --checkpoint DIR     run directory written by train (required)
  --n N                number of samples (default 1000, at most 10,000,000; drawn in batches of
                       10,000 with seeds S, S+1, …)
  --seed S             seed (default 0)
  --out FILE           CSV file to write (default: standard output)
  --backend NAME       tfjs backend (default: automatic)
  -h, --help           this text`,
  eval: `usage: odeflow eval --checkpoint DIR [options]

Mean negative log-likelihood (nats per point) of a trained model on fresh toy data (by default the
data set it was trained on) or on the rows of a CSV file; image models (digits) also print bits/dim,
on the held-out digits of their training run. Bad rows (non-numbers, NaN/Inf, wrong width; for
image models pixels that are not integers 0..16) are refused with the line or row and column named.

options:
  --checkpoint DIR     run directory written by train (required)
  --data NAME          data set (default: the one the model was trained on)
  --file FILE          CSV file of points instead (a header line is allowed; digits: 64 pixels a row)
  --n N                fresh toy points (default 5000); digits: at most N held-out images (default all)
  --seed S             seed of the fresh toy points (default 12345; unused for digits)
  --backend NAME       tfjs backend (default: automatic)
  -h, --help           this text`,
  report: `usage: odeflow report --checkpoint DIR [options]

Rebuilds the HTML report (density heatmap, samples vs data, trajectories when the model has them,
loss/NLL/NFE curves; for image models a grid of samples next to real digits and bits/dim) from a
checkpoint. plotly.js is inlined: the page works offline.

options:
  --checkpoint DIR     run directory written by train (required)
  --out FILE           HTML file (default DIR/report.html)
  --data NAME          data shown next to the model (default: the one it was trained on; a CSV
                       outside the checkpoint's folder must be named here)
  --backend NAME       tfjs backend (default: automatic)
  -h, --help           this text

usage: odeflow report --compare DIR1 DIR2 … [--out FILE]
  overlays several runs' curves and settings ('report --compare --help')`,
} as const;

function required(flags: Flags, name: string): string {
  const v = str(flags, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

async function dataName(name: string, io?: CliIO): Promise<DataSource> {
  if (!isDataName(name))
    throw new UsageError(
      `unknown data set '${name}'; expected one of ${dataNames.join(', ')}, or a .csv file`,
    );
  return dataSource(name, io ? rowProgress(io.stderr, `reading ${name}`, undefined, 1_000_000) : undefined);
}

/** An output path flag: refused when empty (it would mean the current directory). */
function outPath(flags: Flags, name: string): string | undefined {
  const v = str(flags, name);
  if (v !== undefined && v.trim() === '') throw new UsageError(`--${name} '' is invalid: expected a path`);
  return v;
}

/**
 * The data set a checkpoint names (meta.data): a toy name or 'digits', or a CSV file only when
 * it lies inside the checkpoint's folder — a checkpoint reads nothing outside it; a CSV elsewhere
 * must be given on the command line (`given`).
 */
async function checkpointData(
  dir: string,
  named: unknown,
  given: string | undefined,
  flag: string,
): Promise<DataSource> {
  if (given !== undefined) return dataName(given);
  const name = String(named ?? '8gaussians');
  if (name.endsWith('.csv')) {
    const rel = relative(resolve(dir), resolve(name));
    if (rel.startsWith('..') || resolve(rel) === rel) {
      throw new UsageError(
        `the checkpoint in ${dir} was trained on '${name}', outside its folder; a checkpoint reads only ` +
          `inside its own folder, so pass ${flag} ${name} to use that file`,
      );
    }
  }
  return dataName(name);
}

/** Refuses a model whose shape does not fit the data (a vector model on images, another width). */
function checkFits(model: DensityModel, data: DataSource, what: string): void {
  const kind = model.config().kind;
  const image = imageInfo(model);
  if (data.image && !image) {
    throw new UsageError(
      `${what}: '${kind}' does not build an image model, which --data ${data.name} needs ` +
        `(imageShape [${data.image.shape.join(', ')}]); use --model realnvp, glow or nsf`,
    );
  }
  if (model.dim !== data.dim || (image && data.image && image.shape.join() !== data.image.shape.join())) {
    throw new UsageError(
      `${what}: the '${kind}' model has dimension ${model.dim}${image ? ` (images [${image.shape.join(', ')}])` : ''}` +
        `, but --data ${data.name} has dimension ${data.dim}`,
    );
  }
}

/** "held-out NLL 3.1234 nats" or, for image models, "held-out 2.4130 bits/dim (NLL 107.0 nats per image)". */
function heldOut(r: IterationRecord): string {
  if (r.testNll === undefined) return '';
  return r.testBpd !== undefined
    ? `held-out ${r.testBpd.toFixed(4)} bits/dim (NLL ${r.testNll.toFixed(2)} nats per image)`
    : `held-out NLL ${r.testNll.toFixed(4)} nats`;
}

function writeReport(
  dir: string,
  model: DensityModel,
  history: readonly IterationRecord[],
  source: DataSource,
  seed: number,
  out?: string,
  meta: Record<string, unknown> = {},
): string {
  return writeRunReport({ dir, model, history, source, seed, out, meta });
}

async function cmdTrain(args: string[], io: CliIO): Promise<number> {
  if (wantsVae(args)) return cmdTrainVae(args, io);
  const flags = parse(args, {
    data: 'string',
    model: 'string',
    objective: 'string',
    ...Object.fromEntries(MODEL_FLAG_NAMES.map((n) => [n, 'string' as const])),
    iters: 'string',
    batch: 'string',
    workers: 'string',
    lr: 'string',
    'weight-decay': 'string',
    'eval-every': 'string',
    'test-size': 'string',
    seed: 'string',
    out: 'string',
    resume: 'boolean',
    backend: 'string',
    quiet: 'boolean',
  });
  if (flags.help) return help(io, 'train');
  const outFlag = outPath(flags, 'out');
  const source = await dataName(str(flags, 'data') ?? '8gaussians', io);
  const data = source.name;
  const objective = str(flags, 'objective') ?? 'ml';
  if (!(OBJECTIVES as readonly string[]).includes(objective)) {
    throw new UsageError(`--objective ${objective} is invalid: expected one of ${OBJECTIVES.join(', ')}`);
  }
  const asked = str(flags, 'model');
  if (objective !== 'ml' && asked !== undefined && asked !== 'cnf' && asked !== 'flow-matching') {
    throw new UsageError(
      `--objective ${objective} trains a CNF field by flow matching; --model ${asked} cannot`,
    );
  }
  const kind = objective === 'ml' ? (asked ?? 'cnf') : 'flow-matching';
  const fm = objective === 'ml' ? {} : { objective };
  const kindDefaults = TRAIN_DEFAULTS[kind] ?? { batch: 100, lr: 1e-3, weightDecay: 1e-5 };
  const iterations = num(flags, 'iters', DEFAULT_ITERATIONS[kind] ?? DEFAULT_ITERATIONS_OTHER, 'int');
  const seed = num(flags, 'seed', 0, 'nonneg-int');
  const out = resolve(outFlag ?? join('runs', `${basename(data, '.csv')}-${kind}`));
  const options = {
    iterations,
    batchSize: num(flags, 'batch', kindDefaults.batch, 'int'),
    workers: num(flags, 'workers', 1, 'int'),
    learningRate: num(flags, 'lr', kindDefaults.lr),
    weightDecay: flags['weight-decay'] === '0' ? 0 : num(flags, 'weight-decay', kindDefaults.weightDecay),
    evalEvery: num(flags, 'eval-every', 100, 'nonneg-int'),
    testSize: num(flags, 'test-size', source.defaultTestSize, 'int'),
  };
  await backend(flags, io);
  const resume = flags.resume && hasCheckpoint(out) ? await loadCheckpoint(out, io.table) : undefined;
  if (flags.resume && !resume) io.stderr.write(`no checkpoint in ${out}; starting fresh\n`);
  if (resume && resume.model.config().kind !== kind && str(flags, 'model') !== undefined) {
    throw new UsageError(
      `--resume: the checkpoint in ${out} holds a '${resume.model.config().kind}' model, not '${kind}'`,
    );
  }
  const image = source.image ? { imageShape: source.image.shape, pixelLevels: source.image.levels } : {};
  const table = io.table ?? MODEL_TABLE;
  if (!resume && !Object.hasOwn(table, kind)) {
    throw new UsageError(`unknown model kind '${kind}'; known kinds: ${Object.keys(table).join(', ')}`);
  }
  if (!resume && source.image && !table[kind].images) {
    throw new UsageError(
      `--model ${kind}: '${kind}' does not build an image model, which --data ${data} needs ` +
        `(imageShape [${source.image.shape.join(', ')}]); use --model realnvp, glow or nsf, or ffjord-multiscale`,
    );
  }
  const model =
    resume?.model ??
    createModel(
      kind,
      { dim: source.dim, seed, ...image, ...fm, ...modelFlags(flags, kind, io.table) },
      io.table,
    );
  checkFits(model, source, resume ? `--resume (checkpoint in ${out})` : `--model ${kind}`);
  const modelKind = model.config().kind;
  io.stderr.write(
    `training ${modelKind} on ${data}: ${iterations} iterations, batch ${options.batchSize}, lr ${options.learningRate}` +
      `${resume ? `, resuming at iteration ${resume.state.iteration}` : ''} → ${out}\n`,
  );
  let history: IterationRecord[];
  const meta = { data, seed, ...options, ...runMeta() };
  const run = new RunReporter({
    dir: out,
    source,
    seed,
    iterations,
    meta,
    history: resume?.state.history,
    stderr: io.stderr,
  });
  try {
    const result = await train(model, source.sampler(seed, options.testSize), {
      ...options,
      checkpointDir: out,
      resume,
      meta,
      progress: flags.quiet ? false : io.stderr,
      onIteration: run.onIteration,
    });
    history = result.history;
    if (run.interrupted) {
      const at = history.at(-1)?.iteration ?? 0;
      const report = writeReport(out, model, history, source, seed, undefined, meta);
      io.stderr.write(
        `interrupted (${run.signal}) at iteration ${at} of ${iterations}\ncheckpoint: ${out}\nreport: ${report}\n` +
          `continue with: train --out ${out} --resume (and the same options)\n`,
      );
      return EXIT_INTERRUPTED;
    }
  } catch (err) {
    if (err instanceof TrainingDivergedError) {
      io.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    run.dispose();
    if (resume?.optimizer) for (const o of resume.optimizer) o.tensor.dispose();
  }
  const report = writeReport(out, model, history, source, seed, undefined, meta);
  const last = [...history].reverse().find((r) => r.testNll !== undefined);
  io.stdout.write(
    `done: ${history.at(-1)?.iteration ?? 0} iterations in ${(history.at(-1)?.elapsed ?? 0).toFixed(1)} s` +
      (last ? `, ${heldOut(last)}` : '') +
      `\ncheckpoint: ${out}\nreport: ${report}\n`,
  );
  return 0;
}

async function cmdSample(args: string[], io: CliIO): Promise<number> {
  const flags = parse(args, {
    checkpoint: 'string',
    n: 'string',
    seed: 'string',
    out: 'string',
    backend: 'string',
  });
  if (flags.help) return help(io, 'sample');
  const dir = required(flags, 'checkpoint');
  const n = num(flags, 'n', 1000, 'int');
  if (n > MAX_SAMPLES)
    throw new UsageError(`--n ${n} is invalid: expected a whole number in 1..${MAX_SAMPLES}`);
  const seed = num(flags, 'seed', 0, 'nonneg-int');
  const file = outPath(flags, 'out');
  await backend(flags, io);
  const { model } = await loadCheckpoint(dir, io.table);
  writeSamples(model, n, seed, { file, stdout: io.stdout, stderr: io.stderr });
  if (file) io.stderr.write(`wrote ${n} samples to ${file}\n`);
  return 0;
}

async function cmdEval(args: string[], io: CliIO): Promise<number> {
  const flags = parse(args, {
    checkpoint: 'string',
    data: 'string',
    file: 'string',
    n: 'string',
    seed: 'string',
    backend: 'string',
  });
  if (flags.help) return help(io, 'eval');
  const dir = required(flags, 'checkpoint');
  await backend(flags, io);
  const { model, state } = await loadCheckpoint(dir, io.table);
  const file = str(flags, 'file');
  const image = imageInfo(model);
  let label: string;
  let x: tf.Tensor2D;
  if (file) {
    const ev = await evalCsvFile(model, file, image, io.stderr);
    const bpd = ev.bitsPerDim === undefined ? '' : `, ${ev.bitsPerDim.toFixed(4)} bits/dim`;
    if (!Number.isFinite(ev.nll))
      throw new Error(`the model's NLL on ${file} is ${ev.nll}: a log-density is not finite`);
    io.stdout.write(`NLL ${ev.nll.toFixed(4)} nats per point${bpd} (${ev.rows} rows of ${file})\n`);
    return 0;
  } else {
    const data = await checkpointData(dir, state.meta.data, str(flags, 'data'), '--data');
    checkFits(model, data, `--data ${data.name}`);
    const meta = state.meta;
    const set = data.evalSet({
      n: data.image
        ? flags.n === undefined
          ? undefined
          : num(flags, 'n', 1, 'int')
        : num(flags, 'n', 5000, 'int'),
      seed: num(flags, 'seed', 12345, 'nonneg-int'),
      trainSeed: typeof meta.seed === 'number' ? meta.seed : 0,
      testSize:
        typeof meta.testSize === 'number' && meta.data === data.name ? meta.testSize : data.defaultTestSize,
    });
    x = set.x;
    label = set.label;
  }
  try {
    if (image) checkPixels(x, image, file ?? 'data');
    const ev = evaluate(model, x);
    if (!Number.isFinite(ev.nll))
      throw new Error(`the model's NLL is ${ev.nll} (${label}): a log-density is not finite`);
    const bpd = ev.bitsPerDim === undefined ? '' : `, ${ev.bitsPerDim.toFixed(4)} bits/dim`;
    io.stdout.write(`NLL ${ev.nll.toFixed(4)} nats per point${bpd} (${label})\n`);
  } finally {
    x.dispose();
  }
  return 0;
}

async function cmdReport(args: string[], io: CliIO): Promise<number> {
  if (args.includes('--compare')) {
    return reportCompare(
      args,
      io,
      (m) => new UsageError(m),
      (b) => backend({ backend: b }, io),
    );
  }
  const flags = parse(args, { checkpoint: 'string', out: 'string', data: 'string', backend: 'string' });
  if (flags.help) return help(io, 'report');
  const dir = required(flags, 'checkpoint');
  const outFile = outPath(flags, 'out');
  await backend(flags, io);
  const { model, state } = await loadCheckpoint(dir, io.table);
  const source = await checkpointData(dir, state.meta.data, str(flags, 'data'), '--data');
  const seed = typeof state.meta.seed === 'number' && Number.isInteger(state.meta.seed) ? state.meta.seed : 0;
  const out = writeReport(dir, model, state.history, source, seed, outFile, state.meta);
  io.stdout.write(`report: ${out}\n`);
  return 0;
}

function help(io: CliIO, which: keyof typeof HELP): number {
  io.stdout.write(`${HELP[which]}\n`);
  return 0;
}

const COMMANDS: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  train: cmdTrain,
  sample: cmdSample,
  eval: cmdEval,
  report: cmdReport,
  fit: cmdFit,
};

/**
 * Runs the CLI on `argv` (without node and script) and resolves to the exit status: 0 success,
 * 1 failure (bad data, diverged training, missing checkpoint), 2 usage error.
 */
export async function main(
  argv: string[],
  io: CliIO = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    return help(io, 'main');
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr.write(
      `unknown command '${command}'; expected one of ${Object.keys(COMMANDS).join(', ')} (see --help)\n`,
    );
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof FlagError) {
      io.stderr.write(`error: ${err.message} (see '${command} --help')\n`);
      return 2;
    }
    // ODEFLOW_DEBUG=1 shows the stack trace
    const e = err as Error;
    io.stderr.write(`error: ${process.env.ODEFLOW_DEBUG ? (e.stack ?? e.message) : e.message}\n`);
    return 1;
  }
}

/** Kinds the CLI can create now (for scripts that want to list them). */
export { availableKinds };

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
