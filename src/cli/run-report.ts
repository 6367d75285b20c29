/**
 * The run report the CLI writes (`train` at every evaluation, at the end and on Ctrl-C;
 * `report`): the figures of {@link buildReport}, a settings table that records how the run was
 * made, and the data's entropy as a reference line where it is known.
 */
import { join } from 'node:path';
import { isBackwardSettings } from '../../solvers/adjoint-options.js';
import { tf } from '../../solvers/tf.js';
import { toyEntropy } from '../data/toy-entropy.js';
import type { IterationRecord } from '../metrics/history.js';
import type { DensityModel } from '../model.js';
import { writeHtml } from '../plot/html.js';
import { buildReport } from '../plot/report.js';
import { VERSION } from '../version.js';
import type { DataSource } from './data.js';

/** The installed odeflow version (package.json). */
export const ODEFLOW_VERSION: string = VERSION;

/**
 * What a run records about where it ran, merged into the checkpoint's `meta` by `train`:
 * the tfjs backend in use, the odeflow version and the start time (ISO 8601, UTC).
 */
export function runMeta(): { backend: string; version: string; started: string } {
  return { backend: tf.getBackend(), version: ODEFLOW_VERSION, started: new Date().toISOString() };
}

function fmtNum(v: unknown): string {
  return typeof v === 'number' ? String(v) : v === undefined ? '–' : JSON.stringify(v);
}

/** "dopri5, rtol 1e-5, atol 1e-5" or "rk4, step 0.05" from a solver settings object. */
export function solverText(s: unknown): string | undefined {
  if (typeof s !== 'object' || s === null) return undefined;
  const o = s as { method?: string; rtol?: number; atol?: number; stepSize?: number; steps?: number };
  if (typeof o.method !== 'string') return undefined;
  const parts = [o.method];
  if (o.stepSize !== undefined) parts.push(`step ${o.stepSize}`);
  else if (o.steps !== undefined) parts.push(`${o.steps} steps`);
  else {
    if (o.rtol !== undefined) parts.push(`rtol ${o.rtol}`);
    if (o.atol !== undefined) parts.push(`atol ${o.atol}`);
  }
  return parts.join(', ');
}

/** Number of trainable scalars of a model. */
export function parameterCount(model: DensityModel): number {
  return model.params.reduce((n, p) => n + p.size, 0);
}

function endTimes(model: DensityModel): number[] | undefined {
  const m = model as DensityModel & { endTimes?: () => number[] };
  return typeof m.endTimes === 'function' ? m.endTimes() : undefined;
}

/** Inputs of {@link runSettings}. */
export interface RunSettingsInput {
  model: DensityModel;
  /** The checkpoint's meta (data, seed, training options, backend, version, start time). */
  meta: Record<string, unknown>;
  /** Records so far. */
  history: readonly IterationRecord[];
  /** The data's entropy, when known. */
  entropy?: number;
  /** When the report is written. Default now. */
  now?: Date;
}

/**
 * The settings table of a run, as `[label, value]` rows: model and data, iterations, batch,
 * learning rate, weight decay, solver and tolerances (training and evaluation), end time T,
 * seed, backend, parameter count, odeflow version, dates, and the last held-out NLL beside the
 * data's entropy.
 */
export function runSettings(input: RunSettingsInput): [string, string][] {
  const { model, meta, history } = input;
  const c = model.config();
  const rows: [string, string][] = [];
  const row = (label: string, value: string | undefined) => {
    if (value !== undefined) rows.push([label, value]);
  };
  const arch = [
    Array.isArray(c.hidden) ? `hidden ${c.hidden.join('-')}` : undefined,
    typeof c.layer === 'string' ? c.layer : undefined,
    typeof c.activation === 'string' ? c.activation : undefined,
    typeof c.objective === 'string' ? `objective ${c.objective}` : undefined,
  ].filter((v) => v !== undefined);
  row('model', `${c.kind}${arch.length ? ` (${arch.join(', ')})` : ''}`);
  row('data', meta.data === undefined ? undefined : String(meta.data));
  const done = history.at(-1)?.iteration ?? 0;
  row('iterations', `${done}${typeof meta.iterations === 'number' ? ` of ${meta.iterations}` : ''}`);
  row('batch size', meta.batchSize === undefined ? undefined : fmtNum(meta.batchSize));
  row('learning rate', meta.learningRate === undefined ? undefined : fmtNum(meta.learningRate));
  row('weight decay', meta.weightDecay === undefined ? undefined : fmtNum(meta.weightDecay));
  const train = solverText(c.train);
  const ev = solverText(c.eval);
  if (train && ev && train === ev) row('solver', train);
  else {
    row('solver (training)', train);
    row('solver (evaluation)', ev);
  }
  row(
    'divergence',
    typeof c.divergence === 'string'
      ? `${c.divergence} in training, ${String(c.evalDivergence ?? c.divergence)} in evaluation`
      : undefined,
  );
  row('gradients', typeof c.gradient === 'string' ? c.gradient : undefined);
  if (c.gradient === 'adjoint' && isBackwardSettings(c.adjointSolver)) {
    const b = c.adjointSolver;
    const own = Object.entries(b)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k} ${String(v)}`);
    row('adjoint backward solve', own.length > 0 ? own.join(', ') : 'as the training solve');
  }
  const ts = endTimes(model);
  if (typeof c.T === 'number' || ts) {
    const trained = ts ? ts.map((t) => t.toFixed(4)).join(', ') : undefined;
    row(
      'end time T',
      `${typeof c.T === 'number' ? `${c.T} initial` : ''}${trained ? `${typeof c.T === 'number' ? ', ' : ''}${trained} now` : ''}${c.trainT === false ? ' (fixed)' : ''}`,
    );
  }
  row('seed', meta.seed === undefined ? undefined : fmtNum(meta.seed));
  row('backend', typeof meta.backend === 'string' ? meta.backend : tf.getBackend());
  row('parameters', parameterCount(model).toLocaleString('en-US'));
  const last = [...history].reverse().find((r) => r.testNll !== undefined);
  if (last) {
    const bpd = last.testBpd !== undefined ? ` (${last.testBpd.toFixed(4)} bits/dim)` : '';
    row('held-out NLL', `${last.testNll?.toFixed(4)} nats${bpd} at iteration ${last.iteration}`);
  }
  if (input.entropy !== undefined) {
    row('data entropy', `${input.entropy.toFixed(4)} nats (grid integral of the known density)`);
  }
  if (history.length) row('training time', `${history.at(-1)?.elapsed.toFixed(1)} s`);
  row('odeflow version', typeof meta.version === 'string' ? meta.version : ODEFLOW_VERSION);
  row('started', typeof meta.started === 'string' ? meta.started : undefined);
  row('report written', (input.now ?? new Date()).toISOString());
  return rows;
}

/** "held-out NLL 3.1234 nats" or, for image models, "held-out 2.4130 bits/dim (NLL 107.0 nats per image)". */
export function heldOutText(r: IterationRecord): string {
  if (r.testNll === undefined) return '';
  return r.testBpd !== undefined
    ? `held-out ${r.testBpd.toFixed(4)} bits/dim (NLL ${r.testNll.toFixed(2)} nats per image)`
    : `held-out NLL ${r.testNll.toFixed(4)} nats`;
}

/** Inputs of {@link writeRunReport}. */
export interface RunReportInput {
  /** Run directory (the report goes to `dir/report.html` unless `out` is given). */
  dir: string;
  model: DensityModel;
  history: readonly IterationRecord[];
  source: DataSource;
  seed: number;
  /** The checkpoint's meta. */
  meta: Record<string, unknown>;
  /** HTML file. Default `dir/report.html`. */
  out?: string;
  /** Heatmap grid points per axis. Default 100. */
  gridN?: number;
  /** Model samples in the scatter plot. Default 2000. */
  samples?: number;
  /** Paths in the trajectory plot. Default 200. */
  paths?: number;
  /** A note shown under the heading (e.g. "interrupted at iteration 120"). */
  status?: string;
}

/** Writes the run report (atomically) and returns its path. */
export function writeRunReport(input: RunReportInput): string {
  const { dir, model, history, source, seed } = input;
  const out = input.out ?? join(dir, 'report.html');
  const entropy = source.image ? undefined : toyEntropy(source.name);
  const points = source.image ? source.reportData(64, seed) : source.reportData(2000, seed + 1);
  let figs: ReturnType<typeof buildReport>;
  try {
    figs = buildReport(model, history, points, {
      range: source.range,
      seed,
      entropy,
      gridN: input.gridN,
      samples: input.samples,
      paths: input.paths,
    });
  } finally {
    points.dispose();
  }
  const kind = model.config().kind;
  const last = [...history].reverse().find((r) => r.testNll !== undefined);
  const summary =
    `model: ${kind}; data: ${source.name}; iterations: ${history.at(-1)?.iteration ?? 0}` +
    (last ? `; ${heldOutText(last)} at iteration ${last.iteration}` : '') +
    (history.length ? `; ${history.at(-1)?.elapsed.toFixed(1)} s of training` : '');
  const settings = runSettings({ model, meta: { data: source.name, ...input.meta }, history, entropy });
  writeHtml(out, figs, {
    title: `odeflow: ${kind} on ${source.name}`,
    notes: input.status ? [input.status, summary] : [summary],
    tables: [{ caption: 'run settings', rows: settings }],
  });
  return out;
}
