/** `odeflow train`: trains a model, checkpoints it and writes report.html. */
import { basename, join, resolve } from 'node:path';
import { isSolverOptions, METHOD_NAMES, type SolverOptions } from '../../solvers/options.js';
import type { IterationRecord } from '../metrics/history.js';
import { NOISE_KINDS } from '../nn/divergence.js';
import { hasCheckpoint, loadCheckpoint } from '../train/checkpoint.js';
import { createModel, MODEL_TABLE, type ModelTable } from '../train/models.js';
import { TrainingDivergedError, train } from '../train/train.js';
import { backend, type CliIO, choice, type Flags, num, optionalNum, parse, str, UsageError } from './args.js';
import { dataNames } from './data.js';
import { checkFits, dataName, heldOut, writeReport } from './shared.js';

/** Default iterations of `train` per model kind: small enough that `npm start` ends in minutes on 2 cores. */
export const DEFAULT_ITERATIONS: Record<string, number> = { cnf: 800, 'flow-matching': 1000 };
const DEFAULT_ITERATIONS_OTHER = 1000;

/**
 * Batch size, learning rate and weight decay per model kind where they differ from the general
 * defaults (100, 1e-3, 1e-5): flow matching regresses cheap batches, so bigger ones and a larger
 * step fit it best (OT-CFM reaches NLL 3.0 on 8gaussians in ~700 iterations, ~8 s, with these).
 */
const TRAIN_DEFAULTS: Record<string, { batch: number; lr: number; weightDecay: number }> = {
  'flow-matching': { batch: 128, lr: 3e-3, weightDecay: 0 },
};
const OBJECTIVES = ['ml', 'cfm', 'ot-cfm', 'rectified'] as const;
const DIVERGENCES = ['exact', 'hutchinson'] as const;

/**
 * Where the solver flags go in each kind's config: the CNF's `solver` (both phases), flow
 * matching's `eval` (logProb and sample). Other kinds have no ODE to solve.
 */
const SOLVER_KEY: Record<string, 'solver' | 'eval'> = { cnf: 'solver', 'flow-matching': 'eval' };

/** Help text of `train`. */
export const TRAIN_HELP = `usage: tsx src/cli.ts train [options]

Trains a model on a toy 2-D density or on the 8×8 digits with Adam (decoupled weight decay),
evaluates held-out NLL (and bits/dim on digits), checkpoints into --out (atomically) and writes
--out/report.html (works offline). On digits the model is built for images (imageShape [8, 8, 1],
17 pixel levels): use --model realnvp or glow (multi-scale); the report shows bits/dim and a grid
of model samples next to real digits.

options:
  --data NAME          ${dataNames.join(', ')} (default 8gaussians), or a .csv file of
                       points (one per line; a bad value or width is refused by line and column)
  --model KIND         model kind (default cnf): ${Object.keys(MODEL_TABLE).join(', ')}
  --objective OBJ      how a cnf is trained: ml (maximum likelihood, default), or by flow matching:
                       cfm, ot-cfm (minibatch optimal transport), rectified (model kind flow-matching;
                       default batch 128, lr 3e-3, no weight decay, 1000 iterations)
  --method NAME        ODE solver of cnf / flow-matching: ${METHOD_NAMES.join(', ')} (default dopri5)
  --rtol X             relative tolerance of an adaptive solver (default 1e-5)
  --atol X             absolute tolerance of an adaptive solver (default 1e-5)
  --step-size H        step of a fixed-step solver (default: one step per block)
  --divergence KIND    exact or hutchinson: the cnf's training divergence, flow matching's logProb
                       divergence (default exact)
  --noise KIND         Hutchinson probes of a cnf: ${NOISE_KINDS.join(' or ')} (default gaussian)
  --iters N            total iterations (default ${DEFAULT_ITERATIONS.cnf} for cnf — about a few minutes
                       on 2 cores; ${DEFAULT_ITERATIONS_OTHER} for other kinds)
  --batch B            batch size (default 100)
  --lr LR              learning rate (default 1e-3)
  --weight-decay WD    decoupled weight decay (default 1e-5)
  --eval-every K       held-out NLL every K iterations, checkpoint too (default 100)
  --test-size N        held-out points (default 1000; digits: 297 of the 1,797 images held out)
  --seed S             seed of data and initial weights (default 0)
  --out DIR            run directory (default runs/<data>-<model>)
  --resume             continue from the checkpoint in --out (optimizer state included; the
                       solver flags do not apply: the checkpoint's model keeps its settings)
  --backend NAME       tensorflow, wasm, cpu, webgl, webgpu (default: automatic)
  --quiet              no progress display
  -h, --help           this text`;

/**
 * The solver settings the flags ask for, as one {@link SolverOptions} object: the kind's default
 * settings (its table entry) with the given flags on top; undefined when no solver flag is given.
 */
function solverFromFlags(flags: Flags, kind: string, table: ModelTable): SolverOptions | undefined {
  const method = choice(flags, 'method', METHOD_NAMES);
  const rtol = optionalNum(flags, 'rtol');
  const atol = flags.atol === '0' ? 0 : optionalNum(flags, 'atol');
  const stepSize = optionalNum(flags, 'step-size');
  if (method === undefined && rtol === undefined && atol === undefined && stepSize === undefined)
    return undefined;
  const key = SOLVER_KEY[kind];
  if (key === undefined) {
    throw new UsageError(
      `--method, --rtol, --atol and --step-size set the ODE solver of cnf and flow-matching, not '${kind}'`,
    );
  }
  const base = Object.hasOwn(table, kind) ? table[kind].defaults[key] : undefined;
  const settings: SolverOptions = isSolverOptions(base) ? { ...base } : {};
  if (method !== undefined) {
    settings.method = method;
    // a method named on the command line does not inherit the default's tolerances or step
    delete settings.stepSize;
  }
  if (rtol !== undefined) settings.rtol = rtol;
  if (atol !== undefined) settings.atol = atol;
  if (stepSize !== undefined) settings.stepSize = stepSize;
  return settings;
}

/** The config keys the flags set for `kind` (solver settings, divergence, noise). */
export function modelFlags(
  flags: Flags,
  kind: string,
  table: ModelTable = MODEL_TABLE,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const settings = solverFromFlags(flags, kind, table);
  if (settings) out[SOLVER_KEY[kind]] = settings;
  const divergence = choice(flags, 'divergence', DIVERGENCES);
  if (divergence !== undefined) {
    if (kind !== 'cnf' && kind !== 'flow-matching') {
      throw new UsageError(`--divergence applies to cnf and flow-matching, not '${kind}'`);
    }
    out.divergence = divergence;
  }
  const noise = choice(flags, 'noise', NOISE_KINDS);
  if (noise !== undefined) {
    if (kind !== 'cnf') throw new UsageError(`--noise applies to cnf (Hutchinson probes), not '${kind}'`);
    out.noise = noise;
  }
  return out;
}

/** Runs `train`; resolves to the exit status. */
export async function cmdTrain(args: string[], io: CliIO): Promise<number> {
  const flags = parse(args, {
    data: 'string',
    model: 'string',
    objective: 'string',
    method: 'string',
    rtol: 'string',
    atol: 'string',
    'step-size': 'string',
    divergence: 'string',
    noise: 'string',
    iters: 'string',
    batch: 'string',
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
  if (flags.help) {
    io.stdout.write(`${TRAIN_HELP}\n`);
    return 0;
  }
  const table = io.table ?? MODEL_TABLE;
  const source = dataName(str(flags, 'data') ?? '8gaussians');
  const data = source.name;
  const objective = choice(flags, 'objective', OBJECTIVES) ?? 'ml';
  const asked = str(flags, 'model');
  if (objective !== 'ml' && asked !== undefined && asked !== 'cnf' && asked !== 'flow-matching') {
    throw new UsageError(
      `--objective ${objective} trains a CNF field by flow matching; --model ${asked} cannot`,
    );
  }
  const kind = objective === 'ml' ? (asked ?? 'cnf') : 'flow-matching';
  if (!Object.hasOwn(table, kind)) {
    throw new UsageError(`unknown model kind '${kind}'; known kinds: ${Object.keys(table).join(', ')}`);
  }
  if (source.image && !table[kind].images && !flags.resume) {
    throw new UsageError(
      `--model ${kind}: '${kind}' does not build an image model, which --data ${data} needs ` +
        `(imageShape [${source.image.shape.join(', ')}]); use --model realnvp or --model glow`,
    );
  }
  const fm = objective === 'ml' ? {} : { objective };
  const chosen = modelFlags(flags, kind, table);
  const kindDefaults = TRAIN_DEFAULTS[kind] ?? { batch: 100, lr: 1e-3, weightDecay: 1e-5 };
  const iterations = num(flags, 'iters', DEFAULT_ITERATIONS[kind] ?? DEFAULT_ITERATIONS_OTHER, 'int');
  const seed = num(flags, 'seed', 0, 'nonneg-int');
  const out = resolve(str(flags, 'out') ?? join('runs', `${basename(data, '.csv')}-${kind}`));
  const options = {
    iterations,
    batchSize: num(flags, 'batch', kindDefaults.batch, 'int'),
    learningRate: num(flags, 'lr', kindDefaults.lr),
    weightDecay: flags['weight-decay'] === '0' ? 0 : num(flags, 'weight-decay', kindDefaults.weightDecay),
    evalEvery: num(flags, 'eval-every', 100, 'nonneg-int'),
    testSize: num(flags, 'test-size', source.defaultTestSize, 'int'),
  };
  await backend(flags, io);
  const resume = flags.resume && hasCheckpoint(out) ? await loadCheckpoint(out, table) : undefined;
  if (flags.resume && !resume) io.stderr.write(`no checkpoint in ${out}; starting fresh\n`);
  if (resume && resume.model.config().kind !== kind && str(flags, 'model') !== undefined) {
    throw new UsageError(
      `--resume: the checkpoint in ${out} holds a '${resume.model.config().kind}' model, not '${kind}'`,
    );
  }
  const image = source.image ? { imageShape: source.image.shape, pixelLevels: source.image.levels } : {};
  const model =
    resume?.model ?? createModel(kind, { dim: source.dim, seed, ...image, ...fm, ...chosen }, table);
  checkFits(model, source, resume ? `--resume (checkpoint in ${out})` : `--model ${kind}`);
  const modelKind = model.config().kind;
  io.stderr.write(
    `training ${modelKind} on ${data}: ${iterations} iterations, batch ${options.batchSize}, lr ${options.learningRate}` +
      `${resume ? `, resuming at iteration ${resume.state.iteration}` : ''} → ${out}\n`,
  );
  let history: IterationRecord[];
  try {
    const result = await train(model, source.sampler(seed, options.testSize), {
      ...options,
      checkpointDir: out,
      resume,
      meta: { data, seed, ...options },
      progress: flags.quiet ? false : io.stderr,
    });
    history = result.history;
  } catch (err) {
    if (err instanceof TrainingDivergedError) {
      io.stderr.write(`error: ${err.message} (flags: --lr, --rtol / --atol, --weight-decay)\n`);
      return 1;
    }
    throw err;
  } finally {
    if (resume?.optimizer) for (const o of resume.optimizer) o.tensor.dispose();
  }
  const report = writeReport(out, model, history, source, seed);
  const last = [...history].reverse().find((r) => r.testNll !== undefined);
  io.stdout.write(
    `done: ${history.at(-1)?.iteration ?? 0} iterations in ${(history.at(-1)?.elapsed ?? 0).toFixed(1)} s` +
      (last ? `, ${heldOut(last)}` : '') +
      `\ncheckpoint: ${out}\nreport: ${report}\n`,
  );
  return 0;
}
