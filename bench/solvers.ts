/**
 * Work-precision benchmark of the solvers: problem × method × tolerance → NFE, accepted and
 * rejected steps, wall time, and the error against a float64 odexSolve reference (rtol = atol =
 * 1e-12), with odexSolve's own rows at the same tolerances, and for dopri5 the accepted steps
 * of Hairer's DOPRI5 (test/fixtures/dopri5_steps.json).
 *
 *   npx tsx bench/solvers.ts [--backend wasm|cpu] [--reps N] [--out FILE]
 *
 * Prints a table and writes JSON to bench/results/solvers-<backend>.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type BackendName, initBackend, type MethodName, odexSolve, solveIvp, tf } from '../src/index.js';
import { arenstorf, CLASSIC, linspace, type Problem } from '../test/solvers/problems.js';
import { formatTable } from './table.js';

const USAGE = `usage: npx tsx bench/solvers.ts [--backend wasm|cpu] [--reps N] [--out FILE]

  --backend  tfjs backend to run on (default wasm)
  --reps     timed repetitions per row after one warm-up; the median is reported (default 3)
  --out      JSON output (default bench/results/solvers-<backend>.json)

Work-precision table: for each problem (decay, lotka-volterra, van-der-pol, kepler, arenstorf),
method (bosh3, dopri5, tsit5, dop853, and odex = odexSolve in float64) and rtol = atol = tol
(1e-3 … 1e-6): NFE, accepted steps, rejected steps, median wall ms, and the error at 11 output
times against odexSolve at 1e-12: max |y − y*| and the same in units of the tolerance,
max |y − y*| / (tol + tol·|y*|). For dopri5 the accepted steps of Hairer's DOPRI5 are shown too.`;

interface Args {
  backend: BackendName;
  reps: number;
  out?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { backend: 'wasm', reps: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (a === '--backend') {
      const b = argv[++i];
      if (b !== 'wasm' && b !== 'cpu' && b !== 'tensorflow')
        throw new Error(`--backend ${b}: expected wasm or cpu`);
      args.backend = b;
    } else if (a === '--reps') {
      args.reps = Number(argv[++i]);
      if (!Number.isInteger(args.reps) || args.reps < 1)
        throw new Error('--reps: expected a whole number ≥ 1');
    } else if (a === '--out') {
      args.out = argv[++i];
    } else {
      throw new Error(`unknown argument ${a}\n\n${USAGE}`);
    }
  }
  return args;
}

interface Row {
  problem: string;
  method: MethodName | 'odex';
  tol: number;
  nfe: number;
  steps: number;
  rejected: number;
  wallMs: number;
  maxError: number;
  scaledError: number;
  dopri5RefSteps?: number;
}

const METHODS: MethodName[] = ['bosh3', 'dopri5', 'tsit5', 'dop853'];
const TOLS = [1e-3, 1e-4, 1e-5, 1e-6];
const PROBLEMS: Problem[] = [...CLASSIC, arenstorf];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function errors(ys: number[][], ref: number[][], tol: number): { maxError: number; scaledError: number } {
  let maxError = 0;
  let scaledError = 0;
  ys.forEach((y, i) => {
    y.forEach((v, k) => {
      const d = Math.abs(v - ref[i][k]);
      maxError = Math.max(maxError, d);
      scaledError = Math.max(scaledError, d / (tol + tol * Math.abs(ref[i][k])));
    });
  });
  return { maxError, scaledError };
}

function timed<T>(reps: number, run: () => T): { result: T; ms: number } {
  let result = run(); // warm-up (and the result reported)
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    result = run();
    times.push(performance.now() - t0);
  }
  return { result, ms: median(times) };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const backend = await initBackend(args.backend);
  const refSteps: { problem: string; rtol: number; steps: number }[] = JSON.parse(
    readFileSync(new URL('../test/fixtures/dopri5_steps.json', import.meta.url), 'utf8'),
  ).cases;
  const rows: Row[] = [];
  for (const p of PROBLEMS) {
    const ts = linspace(p.t0, p.t1, 11);
    const ref = odexSolve(p.f64, p.y0, ts, { rtol: 1e-12, atol: 1e-12, maxSteps: 100_000 }).ys;
    for (const tol of TOLS) {
      for (const method of METHODS) {
        const { result, ms } = timed(args.reps, () => {
          const y0 = tf.tensor1d([...p.y0]);
          const r = solveIvp(p.f, y0, ts, { method, rtol: tol, atol: tol });
          const ys = r.ys.arraySync() as number[][];
          r.ys.dispose();
          y0.dispose();
          return { ys, stats: r.stats };
        });
        const row: Row = {
          problem: p.name,
          method,
          tol,
          ...result.stats,
          wallMs: ms,
          ...errors(result.ys, ref, tol),
        };
        if (method === 'dopri5') {
          row.dopri5RefSteps = refSteps.find((c) => c.problem === p.name && c.rtol === tol)?.steps;
        }
        rows.push(row);
      }
      const { result, ms } = timed(args.reps, () => odexSolve(p.f64, p.y0, ts, { rtol: tol, atol: tol }));
      rows.push({
        problem: p.name,
        method: 'odex',
        tol,
        ...result.stats,
        wallMs: ms,
        ...errors(result.ys, ref, tol),
      });
    }
  }
  const header = [
    'problem',
    'method',
    'tol',
    'nfe',
    'steps',
    'rej',
    'DOPRI5',
    'wall ms',
    'max |err|',
    'err/tol',
  ];
  const table = rows.map((r) => [
    r.problem,
    r.method,
    r.tol.toExponential(0),
    String(r.nfe),
    String(r.steps),
    String(r.rejected),
    r.dopri5RefSteps === undefined ? '' : String(r.dopri5RefSteps),
    r.wallMs.toFixed(r.wallMs < 10 ? 2 : 1),
    r.maxError.toExponential(2),
    r.scaledError.toFixed(2),
  ]);
  console.log(
    `solvers work-precision on ${backend} (${cpus()[0]?.model ?? '?'}, ${availableParallelism()} cores)`,
  );
  console.log(formatTable(header, table, [header[0], header[1]]));
  const out = args.out ?? `bench/results/solvers-${backend}.json`;
  const json = {
    backend,
    date: new Date().toISOString(),
    cpu: cpus()[0]?.model,
    cores: availableParallelism(),
    reps: args.reps,
    reference: 'odexSolve rtol = atol = 1e-12 at 11 output times',
    rows,
  };
  writeFileSync(out, `${JSON.stringify(json, null, 1)}\n`);
  console.log(`\nwrote ${out}`);
}

await main();
