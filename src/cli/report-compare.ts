/**
 * `odeflow report --compare runA runB …`: one page that overlays the runs' curves and sets their
 * settings side by side.
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toyEntropy } from '../data/toy-entropy.js';
import type { IterationRecord } from '../metrics/history.js';
import type { DensityModel } from '../model.js';
import { compareCurves } from '../plot/compare.js';
import { writeHtml } from '../plot/html.js';
import { loadCheckpoint } from '../train/checkpoint.js';
import { runSettings } from './run-report.js';

/** Where the compare command writes. */
export interface CompareIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** Options of {@link writeComparison}. */
export interface ComparisonInput {
  /** The runs: a name, the model, its history and the checkpoint's meta. */
  runs: {
    name: string;
    model: DensityModel;
    history: readonly IterationRecord[];
    meta: Record<string, unknown>;
  }[];
  /** HTML file to write. */
  out: string;
}

/** Writes the comparison page (curves overlaid, settings side by side); returns its path. */
export function writeComparison(input: ComparisonInput): string {
  const { runs, out } = input;
  const datas = [...new Set(runs.map((r) => String(r.meta.data ?? '?')))];
  const entropy = datas.length === 1 ? toyEntropy(datas[0]) : undefined;
  const fig = compareCurves(
    runs.map((r) => ({ name: r.name, history: r.history })),
    { entropy, title: `runs compared${datas.length === 1 ? ` on ${datas[0]}` : ''}` },
  );
  const tables = runs.map(
    (r) => new Map(runSettings({ model: r.model, meta: r.meta, history: r.history, entropy })),
  );
  const labels = [...new Set(tables.flatMap((t) => [...t.keys()]))].filter((l) => l !== 'report written');
  const rows = labels.map((l) => [l, ...tables.map((t) => t.get(l) ?? '–')]);
  writeHtml(out, [fig], {
    title: `odeflow: ${runs.length} runs compared`,
    notes: datas.length > 1 ? [`the runs used different data (${datas.join(', ')}): no entropy line`] : [],
    tables: [{ caption: 'run settings', header: ['setting', ...runs.map((r) => r.name)], rows }],
  });
  return out;
}

/** Help of `report --compare`. */
export const COMPARE_HELP = `usage: odeflow report --compare DIR1 DIR2 … [--out FILE]

Overlays the held-out NLL and smoothed training loss of several runs (iteration or wall-clock
axis), with the data's entropy where it is known, and sets their settings side by side.

options:
  --compare DIR…       run directories written by train (at least one)
  --out FILE           HTML file (default compare.html)
  --backend NAME       tfjs backend (default: automatic)
  -h, --help           this text`;

/**
 * Runs `report --compare …` and resolves to the exit status. `usage` builds the CLI's usage
 * error (exit status 2) for bad arguments.
 */
export async function reportCompare(
  args: string[],
  io: CompareIO,
  usage: (message: string) => Error,
  initBackend: (name: string | undefined) => Promise<void>,
): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: {
        compare: { type: 'boolean' },
        out: { type: 'string' },
        backend: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw usage((err as Error).message);
  }
  if (parsed.values.help) {
    io.stdout.write(`${COMPARE_HELP}\n`);
    return 0;
  }
  const dirs = parsed.positionals;
  if (dirs.length === 0) throw usage('--compare needs at least one run directory');
  await initBackend(typeof parsed.values.backend === 'string' ? parsed.values.backend : undefined);
  const names = dirs.map((d) => basename(resolve(d)));
  const unique = names.map((n, i) => (names.indexOf(n) === i && names.lastIndexOf(n) === i ? n : dirs[i]));
  const runs: ComparisonInput['runs'] = [];
  try {
    for (const [i, dir] of dirs.entries()) {
      const { model, state, optimizer } = await loadCheckpoint(dir);
      for (const o of optimizer ?? []) o.tensor.dispose();
      runs.push({ name: unique[i], model, history: state.history, meta: state.meta });
    }
    const out = typeof parsed.values.out === 'string' ? parsed.values.out : 'compare.html';
    writeComparison({ runs, out });
    io.stdout.write(`comparison of ${runs.length} runs: ${out}\n`);
    return 0;
  } finally {
    for (const r of runs) for (const p of r.model.params) p.dispose();
  }
}
