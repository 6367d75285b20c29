/** `odeflow train`: trains a density model (or a VAE, `--model vae`), checkpoints it and writes report.html. */
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { IterationRecord } from '../metrics/history.js';
import { autoWorkers } from '../train/auto-workers.js';
import { hasCheckpoint, loadCheckpoint } from '../train/checkpoint.js';
import { createModel, MODEL_TABLE } from '../train/models.js';
import { TrainingDivergedError, train } from '../train/train.js';
import { dataNames } from './data.js';
import { checkFits, dataName } from './data-flags.js';
import { backend, num, parse, str } from './flags.js';
import { FlagError, MODEL_FLAG_NAMES, MODEL_FLAGS_HELP, modelFlags } from './model-flags.js';
import { runMeta, writeRunReport } from './run-report.js';
import { EXIT_INTERRUPTED, RunReporter } from './train-run.js';
import { cmdTrainVae, wantsVae } from './train-vae.js';
import { type CliIO, outPath, printHelp, UsageError } from './usage.js';

/** Default iterations of `train` per model kind: small enough that `npm start` ends in minutes on 2 cores. */
const DEFAULT_ITERATIONS: Record<string, number> = { cnf: 800, 'flow-matching': 1000 };

/**
 * Batch size, learning rate and weight decay per model kind where they differ from the general
 * defaults (100, 1e-3, 1e-5): flow matching regresses cheap batches, so bigger ones and a larger
 * step fit it best (OT-CFM reaches NLL 3.0 on 8gaussians in ~700 iterations, ~8 s, with these).
 */
const TRAIN_DEFAULTS: Record<string, { batch: number; lr: number; weightDecay: number }> = {
  'flow-matching': { batch: 128, lr: 3e-3, weightDecay: 0 },
};
/** Training objectives: maximum likelihood, or flow matching in three variants. */
const OBJECTIVES = ['ml', 'cfm', 'ot-cfm', 'rectified'] as const;
/** Default iterations of the kinds not in {@link DEFAULT_ITERATIONS}. */
const DEFAULT_ITERATIONS_OTHER = 1000;

/** Help text of `train`. */
export const TRAIN_HELP = `usage: odeflow train [options]

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
  --workers N|auto     data-parallel threads: the batch is split into N shards, one per thread, and
                       their gradients combined (default auto: 2 for a cnf at batch ≥ 1000 on ≥ 2
                       cores, where it was measured 1.5× faster, else 1; see docs/performance.md)
  --lr LR              learning rate (default 1e-3)
  --weight-decay WD    decoupled weight decay (default 1e-5)
  --eval-every K       held-out NLL every K iterations, checkpoint too (default 100)
  --test-size N        held-out points (default 1000; digits: 297 of the 1,797 images held out)
  --seed S             seed of data and initial weights (default 0)
  --out DIR            run directory (default runs/<data>-<model>)
  --resume             continue from the checkpoint in --out (optimizer state included)
  --backend NAME       tensorflow, wasm, cpu, webgl, webgpu (default: automatic)
  --quiet              no progress display
  -h, --help           this text`;

/** "held-out NLL 3.1234 nats" or, for image models, "held-out 2.4130 bits/dim (NLL 107.0 nats per image)". */
function heldOut(r: IterationRecord): string {
  if (r.testNll === undefined) return '';
  return r.testBpd !== undefined
    ? `held-out ${r.testBpd.toFixed(4)} bits/dim (NLL ${r.testNll.toFixed(2)} nats per image)`
    : `held-out NLL ${r.testNll.toFixed(4)} nats`;
}

/**
 * Runs `odeflow train` on its arguments; resolves to the exit status.
 *
 * @param args The arguments after `train`.
 * @param io Where to write.
 */
export async function cmdTrain(args: string[], io: CliIO): Promise<number> {
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
  if (flags.help) return printHelp(io, TRAIN_HELP);
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
  const batchSize = num(flags, 'batch', kindDefaults.batch, 'int');
  const options = {
    iterations,
    batchSize,
    workers: workersFlag(flags.workers, kind, batchSize),
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
      const report = writeRunReport({ dir: out, model, history, source, seed, meta });
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
  const report = writeRunReport({ dir: out, model, history, source, seed, meta });
  const last = [...history].reverse().find((r) => r.testNll !== undefined);
  io.stdout.write(
    `done: ${history.at(-1)?.iteration ?? 0} iterations in ${(history.at(-1)?.elapsed ?? 0).toFixed(1)} s` +
      (last ? `, ${heldOut(last)}` : '') +
      `\ncheckpoint: ${out}\nreport: ${report}\n`,
  );
  return 0;
}

/** `--workers N|auto` (default auto): a positive integer, or {@link autoWorkers}' choice. */
function workersFlag(raw: string | boolean | undefined, kind: string, batchSize: number): number {
  if (raw === undefined || raw === 'auto') return autoWorkers(kind, batchSize, availableParallelism());
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) {
    throw new FlagError(`--workers must be a positive integer or 'auto', got '${String(raw)}'`);
  }
  return v;
}
