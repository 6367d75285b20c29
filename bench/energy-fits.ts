/**
 * Rezende & Mohamed (2015), figure 3 and a KL table: planar and radial flows of K = 2, 8, 32 steps
 * and a CNF fitted by reverse KL to the four energies U1–U4 (src/vi/energies.ts). The KL is
 * E_q[log q + U] + log Z with log Z by quadrature (800² grid), ± its Monte-Carlo standard error.
 * Run: `npx tsx bench/energy-fits.ts [--iterations 2000] [--batch 256] [--lr 1e-2] [--anneal 0]
 *       [--energies u1,u2,u3,u4] [--steps 2,8,32] [--kl-samples 20000] [--out out/energy-fits.html]`.
 * Writes the figure (HTML, plotly inlined) and bench/results/energy-fits-<backend>.json; prints the table.
 * On a busy machine, run one energy per process with `--energies u1 --save out/ef-u1.json` (and so on),
 * then `--merge out/ef-u1.json,out/ef-u2.json,...` draws the one figure and table from the parts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { type BackendName, initBackend, tf } from '../src/index.js';
import { gridLogProb } from '../src/metrics/grid.js';
import { writeHtml } from '../src/plot/html.js';
import { type DensityPanel, densityPanels } from '../src/plot/index.js';
import { energy, energyFitModel, fitReverseKl, klEstimate, logPartition } from '../src/vi/index.js';

const { values } = parseArgs({
  options: {
    iterations: { type: 'string', default: '2000' },
    batch: { type: 'string', default: '256' },
    lr: { type: 'string', default: '1e-2' },
    anneal: { type: 'string', default: '0' },
    energies: { type: 'string', default: 'u1,u2,u3,u4' },
    steps: { type: 'string', default: '2,8,32' },
    cnf: { type: 'boolean', default: true },
    'no-cnf': { type: 'boolean', default: false },
    'kl-samples': { type: 'string', default: '20000' },
    grid: { type: 'string', default: '80' },
    out: { type: 'string', default: 'out/energy-fits.html' },
    save: { type: 'string' },
    merge: { type: 'string' },
    backend: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`usage: npx tsx bench/energy-fits.ts [options]
  --iterations N   reverse-KL steps per fit (default 2000)
  --batch N        samples per step (default 256)
  --lr X           Adam step size (default 1e-2)
  --anneal N       steps of β annealing 0.01 → 1 (default 0: none)
  --energies L     comma list of u1..u4 (default all)
  --steps L        planar/radial K values (default 2,8,32)
  --no-cnf         leave out the CNF column
  --kl-samples N   samples of the final KL estimate (default 20000)
  --grid N         heatmap grid points per axis (default 80)
  --out PATH       figure (default out/energy-fits.html)
  --save PATH      also write this run's panels, rows and table lines as JSON (for --merge)
  --merge L        comma list of --save files: draw their figure and table, run nothing`);
  process.exit(0);
}
const backend = await initBackend(values.backend as BackendName | undefined);
type Part = {
  names: string[];
  columns: string[];
  panels: DensityPanel[];
  rows: Record<string, unknown>[];
  table: string[];
  iterations: number;
  settings: Record<string, number>;
};
if (values.merge) {
  // parts may split the energies (rows) and the models (columns) between them
  const parts: Part[] = String(values.merge)
    .split(',')
    .map((f) => JSON.parse(readFileSync(f, 'utf8')) as Part);
  const names = [...new Set(parts.flatMap((p) => p.names))];
  const order = (label: string) => {
    const m = /^(planar|radial) K=(\d+)$/.exec(label);
    return m ? (m[1] === 'planar' ? 0 : 1000) + Number(m[2]) : 2000;
  };
  const columns = [...new Set(parts.flatMap((p) => p.columns))].sort((x, y) => order(x) - order(y));
  const panels: DensityPanel[] = [];
  const targets = new Set<string>();
  for (const p of parts) {
    for (const q of p.panels) {
      const name = p.names[q.row];
      if (q.col === 0) {
        if (targets.has(name)) continue;
        targets.add(name);
      }
      const col = q.col === 0 ? 0 : columns.indexOf(p.columns[q.col - 1]) + 1;
      // a Float32Array went into JSON as an object of index keys: Object.values reads either form
      panels.push({ ...q, row: names.indexOf(name), col, logp: Object.values(q.logp) });
    }
  }
  finish(
    names,
    columns,
    panels,
    parts.flatMap((p) => p.rows),
    parts[0].iterations,
    parts[0].settings,
  );
  process.exit(0);
}
const iterations = Number(values.iterations);
const names = String(values.energies).split(',');
const steps = String(values.steps).split(',').map(Number);
const columns: { label: string; kind: 'planar' | 'radial' | 'cnf'; steps: number }[] = [
  ...steps.map((k) => ({ label: `planar K=${k}`, kind: 'planar' as const, steps: k })),
  ...steps.map((k) => ({ label: `radial K=${k}`, kind: 'radial' as const, steps: k })),
  ...(values['no-cnf'] ? [] : [{ label: 'CNF', kind: 'cnf' as const, steps: 0 }]),
];
const panels: DensityPanel[] = [];
const rows: Record<string, unknown>[] = [];
const table: string[] = [];
const gridN = Number(values.grid);
for (const [r, name] of names.entries()) {
  const e = energy(name);
  const logZ = logPartition(e);
  const axis = Array.from(
    { length: gridN },
    (_, i) => e.range[0] + ((i + 0.5) * (e.range[1] - e.range[0])) / gridN,
  );
  const pts = axis.flatMap((y) => axis.flatMap((x) => [x, y]));
  const u = tf.tidy(() => e.U(tf.tensor2d(pts, [gridN * gridN, 2])));
  panels.push({
    row: r,
    col: 0,
    axis,
    logp: Array.from(u.dataSync(), (v) => -v - logZ),
    caption: `log Z ${logZ.toFixed(3)}`,
  });
  u.dispose();
  const cells: string[] = [];
  for (const [c, col] of columns.entries()) {
    const model = energyFitModel(col.kind, { steps: col.steps, seed: 0 });
    const fit = fitReverseKl(model, e.U, {
      iterations,
      batch: Number(values.batch),
      learningRate: Number(values.lr),
      anneal: Number(values.anneal),
      seed: 1,
    });
    const kl = klEstimate(model, e.U, logZ, { n: Number(values['kl-samples']) });
    const g = gridLogProb(model, { range: e.range, n: gridN });
    panels.push({ row: r, col: c + 1, axis, logp: Array.from(g.logp), caption: `KL ${kl.kl.toFixed(3)}` });
    rows.push({
      energy: name,
      model: col.label,
      kl: kl.kl,
      stderr: kl.stderr,
      logZ,
      seconds: fit.seconds,
      gridMass: g.mass,
    });
    cells.push(`${kl.kl.toFixed(3)} ± ${kl.stderr.toFixed(3)}`);
    console.error(
      `${name} ${col.label}: KL ${kl.kl.toFixed(4)} ± ${kl.stderr.toFixed(4)}, ${fit.seconds.toFixed(1)} s, grid mass ${g.mass.toFixed(3)}`,
    );
    model.dispose();
  }
  table.push(`| ${name.toUpperCase()} | ${logZ.toFixed(3)} | ${cells.join(' | ')} |`);
}
const settings = {
  iterations,
  batch: Number(values.batch),
  lr: Number(values.lr),
  anneal: Number(values.anneal),
};
if (values.save) {
  const part: Part = {
    names,
    columns: columns.map((c) => c.label),
    panels,
    rows,
    table,
    iterations,
    settings,
  };
  mkdirSync(dirname(String(values.save)), { recursive: true });
  writeFileSync(String(values.save), JSON.stringify(part));
}
finish(
  names,
  columns.map((c) => c.label),
  panels,
  rows,
  iterations,
  settings,
);

function finish(
  names: string[],
  columns: string[],
  panels: DensityPanel[],
  rows: Record<string, unknown>[],
  iterations: number,
  settings: Record<string, number>,
): void {
  const table = names.map((name) => {
    const own = rows.filter((r) => r.energy === name);
    const cells = columns.map((c) => {
      const r = own.find((x) => x.model === c);
      return r ? `${Number(r.kl).toFixed(3)} ± ${Number(r.stderr).toFixed(3)}` : '–';
    });
    return `| ${name.toUpperCase()} | ${Number(own[0]?.logZ).toFixed(3)} | ${cells.join(' | ')} |`;
  });
  const head = `| energy | log Z | ${columns.join(' | ')} |`;
  const sep = `|---|---|${columns.map(() => '---').join('|')}|`;
  console.log([head, sep, ...table].join('\n'));
  writeHtml(
    String(values.out),
    [
      densityPanels(panels, {
        rowLabels: names.map((n) => n.toUpperCase()),
        colLabels: ['exp(−U)/Z', ...columns],
        title: `Reverse-KL fits, ${iterations} steps (KL in nats, exact log Z)`,
      }),
    ],
    { title: 'odeflow: flows fitted to Rezende & Mohamed energies' },
  );
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    `bench/results/energy-fits-${backend}.json`,
    `${JSON.stringify({ backend, ...settings, rows }, null, 1)}\n`,
  );
}
