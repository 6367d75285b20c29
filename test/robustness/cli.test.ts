/**
 * Hostile and careless uses of the command line (issue 14), run as a separate process each, one
 * table row per case: the exit status, the message on stderr (naming the value, the valid range
 * or the file), and the files left behind — never a temp file, never a file the case did not
 * expect, never one of the user's files removed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nice, saveCheckpoint, tf } from '../../src/node.js';
import { caseDir, expectMentions, strayTemp } from './harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');
const CLI = join(ROOT, 'src/cli.ts');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs the CLI in `cwd` as its own process. */
function cli(args: string[], cwd: string, timeoutMs = 120_000): Promise<Run> {
  return new Promise((done) => {
    const p = spawn(TSX, [CLI, ...args], { cwd, env: { ...process.env, ODEFLOW_DEBUG: '' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (b) => {
      out += b;
    });
    p.stderr.on('data', (b) => {
      err += b;
    });
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out, err });
    });
  });
}

/** A small NICE checkpoint in `dir` (trained 0 iterations), with `meta`. */
async function checkpoint(dir: string, meta: Record<string, unknown> = { data: '8gaussians', seed: 0 }) {
  const m = nice({ layers: 2, hidden: [8] });
  await saveCheckpoint(dir, m, { iteration: 0, meta });
  m.dispose();
}
function editJson(path: string, edit: (j: Record<string, unknown>) => void): void {
  const j = JSON.parse(readFileSync(path, 'utf8'));
  edit(j);
  writeFileSync(path, JSON.stringify(j));
}
async function nanCheckpoint(dir: string): Promise<void> {
  await checkpoint(dir);
  const bin = readdirSync(dir).find((n) => n.startsWith('weights-')) as string;
  const bytes = readFileSync(join(dir, bin));
  new DataView(bytes.buffer, bytes.byteOffset).setFloat32(8, Number.NaN, true);
  writeFileSync(join(dir, bin), bytes);
}
const rowsCsv = (n: number, f = (i: number) => `${Math.sin(i)},${Math.cos(i)}`) =>
  `x,y\n${Array.from({ length: n }, (_, i) => f(i)).join('\n')}\n`;

/** One row: set up files in `dir`, run the args, expect the status, messages and files. */
interface CliCase {
  name: string;
  setup?: (dir: string) => void | Promise<void>;
  args: (dir: string) => string[];
  code: number;
  err?: (string | RegExp)[];
  out?: (string | RegExp)[];
  /** Checks on the directory afterwards (no temp files is always checked). */
  after?: (dir: string, run: Run) => void;
}

const fast = ['--quiet', '--model', 'nice'];
const TRAIN_USAGE: CliCase[] = (
  [
    ['--iters', '-5', 'a positive integer'],
    ['--iters', '2.5', 'a positive integer'],
    ['--lr', '-1', 'a positive number'],
    ['--lr', 'NaN', 'a positive number'],
    ['--lr', '1e999', 'a positive number'],
    ['--eval-every', '-1', 'an integer ≥ 0'],
    ['--batch', '0', 'a positive integer'],
    ['--test-size', '0', 'a positive integer'],
    ['--seed', '-1', 'an integer ≥ 0'],
    ['--weight-decay', '-0.1', 'a positive number'],
  ] as const
).map(([flag, value, range]) => ({
  name: `train ${flag} ${value} is a usage error naming the flag, the value and the range`,
  args: (dir: string) => ['train', `${flag}=${value}`, '--out', join(dir, 'run'), ...fast],
  code: 2,
  err: [`${flag} must be ${range}, got '${value}'`],
  after: (dir: string) => expect(existsSync(join(dir, 'run'))).toBe(false),
}));

const CASES: CliCase[] = [
  ...TRAIN_USAGE,
  {
    name: 'train --iters -5 (space-separated) is a usage error pointing at the = form',
    args: () => ['train', '--iters', '-5', ...fast],
    code: 2,
    err: ["Option '--iters' argument is ambiguous", "'--iters=-XYZ'"],
  },
  {
    name: "train --out '' is refused (it wrote into the current directory)",
    args: () => ['train', '--out', '', ...fast],
    code: 2,
    err: ["--out '' is invalid: expected a path"],
    after: (dir) => expect(readdirSync(dir)).toEqual([]),
  },
  {
    name: 'train --out D keeps weights-*.bin / optimizer-*.bin that it did not write',
    setup: (dir) => {
      mkdirSync(join(dir, 'run'));
      writeFileSync(join(dir, 'run', 'weights-mine.bin'), 'precious');
      writeFileSync(join(dir, 'run', 'optimizer-000010-zzzzzz.bin'), 'precious');
      writeFileSync(join(dir, 'run', '.checkpoint.json.tmp-999999999-0'), 'from a killed save');
    },
    args: (dir) => ['train', '--iters', '4', '--eval-every', '2', '--out', join(dir, 'run'), ...fast],
    code: 0,
    after: (dir) => {
      const names = readdirSync(join(dir, 'run'));
      expect(names).toContain('weights-mine.bin');
      expect(names).toContain('optimizer-000010-zzzzzz.bin');
      expect(names).not.toContain('.checkpoint.json.tmp-999999999-0'); // stale temp cleaned
      expect(names.filter((n) => /^weights-\d{6}-/.test(n))).toHaveLength(1);
    },
  },
  {
    name: 'train --data on a directory named x.csv: EISDIR names the path',
    setup: (dir) => mkdirSync(join(dir, 'x.csv')),
    args: (dir) => ['train', '--data', join(dir, 'x.csv'), '--out', join(dir, 'run'), ...fast],
    code: 1,
    err: [/cannot read CSV file '.*x\.csv': is a directory/],
  },
  {
    name: 'train --data on a missing CSV names it',
    args: (dir) => ['train', '--data', join(dir, 'gone.csv'), '--out', join(dir, 'run'), ...fast],
    code: 1,
    err: [/gone\.csv': does not exist/],
  },
  {
    name: 'train --data with one row says so (it said "integer in 1..0")',
    setup: (dir) => writeFileSync(join(dir, 'one.csv'), 'x,y\n1,2\n'),
    args: (dir) => ['train', '--data', join(dir, 'one.csv'), '--out', join(dir, 'run'), ...fast],
    code: 1,
    err: ['has 1 data row; training needs at least 2'],
  },
  {
    name: 'train --data with a 3e38 row is refused by line and column (it trained to "NLL NaN", exit 0)',
    setup: (dir) =>
      writeFileSync(
        join(dir, 'big.csv'),
        rowsCsv(50, (i) => (i === 30 ? '3e38,0' : `${i},1`)),
      ),
    args: (dir) => ['train', '--data', join(dir, 'big.csv'), '--out', join(dir, 'run'), ...fast],
    code: 1,
    err: ["big.csv: line 32, column 1 is '3e38'", 'at most 1e15'],
  },
  {
    name: 'train --data with a hex cell 0x10 is refused by line and column',
    setup: (dir) => writeFileSync(join(dir, 'hex.csv'), '1,2\n0x10,3\n'),
    args: (dir) => ['train', '--data', join(dir, 'hex.csv'), '--out', join(dir, 'run'), ...fast],
    code: 1,
    err: ["hex.csv: line 2, column 1 is '0x10'"],
  },
  {
    name: 'train --data with an unclosed quote names the line',
    setup: (dir) => writeFileSync(join(dir, 'q.csv'), '1,2\n3,4\n"5,6\n'),
    args: (dir) => ['train', '--data', join(dir, 'q.csv'), '--out', join(dir, 'run'), ...fast],
    code: 1,
    err: [/q\.csv: line \d+: .*[Qq]uote/],
  },
  {
    name: 'train --data with quoted numbers ("4") trains',
    setup: (dir) =>
      writeFileSync(
        join(dir, 'quoted.csv'),
        rowsCsv(60, (i) => `"${Math.sin(i)}","${i % 7}"`),
      ),
    args: (dir) => [
      'train',
      '--data',
      join(dir, 'quoted.csv'),
      '--iters',
      '3',
      '--out',
      join(dir, 'run'),
      ...fast,
    ],
    code: 0,
    out: ['done: 3 iterations'],
  },
  {
    name: 'train nice at --lr 1e6: a divergence stop (exit 1) keeping a checkpoint that evaluates finite',
    args: (dir) => [
      'train',
      '--lr',
      '1e6',
      '--iters',
      '200',
      '--eval-every',
      '1',
      '--out',
      join(dir, 'run'),
      ...fast,
    ],
    code: 1,
    err: [
      /training diverged at iteration \d+: the .*is kept|training diverged at iteration \d+: .*no checkpoint/,
    ],
    after: (dir) => expect(existsSync(join(dir, 'run', 'checkpoint.json'))).toBe(true),
  },
  {
    name: 'train --objective foo names the choices',
    args: (dir) => ['train', '--objective', 'foo', '--out', join(dir, 'run'), '--quiet'],
    code: 2,
    err: ['--objective foo is invalid: expected one of ml, cfm, ot-cfm, rectified'],
  },
  {
    name: 'train --model nonesuch names the known kinds',
    args: (dir) => ['train', '--model', 'nonesuch', '--out', join(dir, 'run'), '--quiet'],
    // a bad flag value: a usage error (README: exit 2), pointing at --help
    code: 2,
    err: ["unknown model kind 'nonesuch'", 'realnvp', "see 'train --help'"],
  },
  {
    name: 'train --bogus is a usage error',
    args: () => ['train', '--bogus'],
    code: 2,
    err: ["Unknown option '--bogus'"],
  },
  {
    name: 'an unknown command names the commands',
    args: () => ['fly'],
    code: 2,
    err: ["unknown command 'fly'", 'train, sample, eval, report'],
  },
  {
    name: 'sample --n 1e7+1 is refused naming the bound (1e7 crashed with "memory access out of bounds")',
    setup: (dir) => checkpoint(join(dir, 'ck')),
    args: (dir) => ['sample', '--checkpoint', join(dir, 'ck'), '--n', '10000001'],
    code: 2,
    err: ['--n 10000001 is invalid: expected a whole number in 1..10000000'],
  },
  {
    name: 'sample --n 0 is refused',
    args: (dir) => ['sample', '--checkpoint', dir, '--n', '0'],
    code: 2,
    err: ["--n must be a positive integer, got '0'"],
  },
  {
    name: 'sample --n 25000 streams three batches to the file with progress',
    setup: (dir) => checkpoint(join(dir, 'ck')),
    args: (dir) => ['sample', '--checkpoint', join(dir, 'ck'), '--n', '25000', '--out', join(dir, 's.csv')],
    code: 0,
    err: ['sampled: 25,000 of 25,000 rows, done', 'wrote 25000 samples'],
    after: (dir) => {
      const lines = readFileSync(join(dir, 's.csv'), 'utf8').trim().split('\n');
      expect(lines).toHaveLength(25_001);
      expect(lines[0]).toBe('x0,x1');
      for (const l of [lines[1], lines[12_345], lines[25_000]]) {
        for (const v of l.split(',')) expect(Number.isFinite(Number(v))).toBe(true);
      }
    },
  },
  {
    name: "sample --out '' is refused",
    args: (dir) => ['sample', '--checkpoint', dir, '--out', ''],
    code: 2,
    err: ["--out '' is invalid"],
  },
  {
    name: 'sample --out an existing directory names the path and leaves no temp file',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      mkdirSync(join(dir, 'outdir'));
    },
    args: (dir) => ['sample', '--checkpoint', join(dir, 'ck'), '--out', join(dir, 'outdir')],
    code: 1,
    err: [/cannot write output file '.*outdir': is a directory/],
  },
  ...(['sample', 'eval', 'report'] as const).map(
    (cmd): CliCase => ({
      name: `${cmd} on a checkpoint with NaN weights is refused naming the file (it exited 0)`,
      setup: (dir) => nanCheckpoint(join(dir, 'ck')),
      args: (dir) => [
        cmd,
        '--checkpoint',
        join(dir, 'ck'),
        ...(cmd === 'sample' ? ['--out', join(dir, 's.csv')] : []),
      ],
      code: 1,
      err: ['checkpoint.json', 'non-finite value (NaN)'],
      after: (dir) => {
        expect(existsSync(join(dir, 's.csv'))).toBe(false);
        expect(existsSync(join(dir, 'ck', 'report.html'))).toBe(false);
      },
    }),
  ),
  {
    name: 'eval on a checkpoint with layers: 1e9 is refused at once (it hung > 280 s, 5.4 GB)',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      editJson(join(dir, 'ck', 'checkpoint.json'), (j) => {
        (j.model as Record<string, unknown>).layers = 1e9;
      });
    },
    args: (dir) => ['eval', '--checkpoint', join(dir, 'ck')],
    code: 1,
    err: ['checkpoint.json', 'model.layers = 1000000000', '1..256'],
  },
  {
    name: 'eval on a checkpoint whose manifest names ../../etc/passwd does not read it',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      editJson(join(dir, 'ck', 'checkpoint.json'), (j) => {
        (j.weightsManifest as { paths: string[] }[])[0].paths = ['../../etc/passwd'];
      });
    },
    args: (dir) => ['eval', '--checkpoint', join(dir, 'ck')],
    code: 1,
    err: ['"../../etc/passwd" is refused', 'inside its own folder'],
  },
  {
    name: 'report on a checkpoint whose meta.data names a CSV elsewhere does not read it',
    setup: async (dir) => {
      writeFileSync(join(dir, 'secret.csv'), rowsCsv(100));
      await checkpoint(join(dir, 'ck'), { data: join(dir, 'secret.csv'), seed: 0 });
    },
    args: (dir) => ['report', '--checkpoint', join(dir, 'ck')],
    code: 2,
    err: ['outside its folder', 'pass --data'],
    after: (dir) => expect(existsSync(join(dir, 'ck', 'report.html'))).toBe(false),
  },
  {
    name: 'report --data names that CSV explicitly and writes the report',
    setup: async (dir) => {
      writeFileSync(join(dir, 'pts.csv'), rowsCsv(100));
      await checkpoint(join(dir, 'ck'), { data: join(dir, 'pts.csv'), seed: 0 });
    },
    args: (dir) => ['report', '--checkpoint', join(dir, 'ck'), '--data', join(dir, 'pts.csv')],
    code: 0,
    after: (dir) => expect(existsSync(join(dir, 'ck', 'report.html'))).toBe(true),
  },
  {
    name: 'report --out an existing directory names it and leaves no 5 MB temp file',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      mkdirSync(join(dir, 'ck', 'html'));
    },
    args: (dir) => ['report', '--checkpoint', join(dir, 'ck'), '--out', join(dir, 'ck', 'html')],
    code: 1,
    err: [/cannot write file '.*html': is a directory/],
  },
  {
    name: "report --out '' is refused",
    args: (dir) => ['report', '--checkpoint', dir, '--out', ''],
    code: 2,
    err: ["--out '' is invalid"],
  },
  {
    name: 'eval --file on a directory names the path',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      mkdirSync(join(dir, 'd.csv'));
    },
    args: (dir) => ['eval', '--checkpoint', join(dir, 'ck'), '--file', join(dir, 'd.csv')],
    code: 1,
    err: [/d\.csv': is a directory/],
  },
  {
    name: 'eval --file of 25,000 rows streams in batches with progress and counts every row',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      writeFileSync(join(dir, 'many.csv'), rowsCsv(25_000));
    },
    args: (dir) => ['eval', '--checkpoint', join(dir, 'ck'), '--file', join(dir, 'many.csv')],
    code: 0,
    out: [/NLL \d+\.\d{4} nats per point \(25000 rows of .*many\.csv\)/],
    err: ['evaluated'],
  },
  {
    name: 'eval --file with a bad cell on line 40,002 names it (found while streaming)',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      writeFileSync(
        join(dir, 'bad.csv'),
        rowsCsv(50_000, (i) => (i === 40_000 ? '1,abc' : `${i % 3},1`)),
      );
    },
    args: (dir) => ['eval', '--checkpoint', join(dir, 'ck'), '--file', join(dir, 'bad.csv')],
    code: 1,
    err: ["bad.csv: line 40002, column 2 is 'abc'"],
  },
  {
    name: 'eval --file of the wrong width names the line and both widths',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      writeFileSync(join(dir, 'w.csv'), '1,2,3\n');
    },
    args: (dir) => ['eval', '--checkpoint', join(dir, 'ck'), '--file', join(dir, 'w.csv')],
    code: 1,
    err: ['w.csv: line 1 has 3 columns, expected 2'],
  },
  {
    name: 'eval with no checkpoint there says how to make one',
    args: (dir) => ['eval', '--checkpoint', join(dir, 'nothing')],
    code: 1,
    err: ["no checkpoint in '", 'train with --out'],
  },
  {
    name: 'eval on truncated checkpoint JSON names the file',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      writeFileSync(join(dir, 'ck', 'checkpoint.json'), '{"format": "odeflow-chec');
    },
    args: (dir) => ['eval', '--checkpoint', join(dir, 'ck')],
    code: 1,
    err: [/ck\/checkpoint\.json: is not valid JSON/],
  },
  {
    name: 'eval on a truncated weights file names the checkpoint and the sizes',
    setup: async (dir) => {
      await checkpoint(join(dir, 'ck'));
      const bin = readdirSync(join(dir, 'ck')).find((n) => n.startsWith('weights-')) as string;
      writeFileSync(join(dir, 'ck', bin), 'short');
    },
    args: (dir) => ['eval', '--checkpoint', join(dir, 'ck')],
    code: 1,
    err: ['checkpoint.json', 'hold 5 bytes', 'truncated'],
  },
  {
    name: 'eval --data of another width names both dimensions',
    setup: (dir) => checkpoint(join(dir, 'ck')),
    args: (dir) => ['eval', '--checkpoint', join(dir, 'ck'), '--data', 'digits'],
    code: 2,
    err: ["'nice' does not build an image model"],
  },
];

describe.concurrent('robustness: command line (each case a process)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const dir = caseDir();
      await c.setup?.(dir);
      const before = tf.memory().numTensors;
      const run = await cli(c.args(dir), dir);
      expect(tf.memory().numTensors).toBe(before);
      const context = `exit ${run.code}\nstderr: ${run.err}\nstdout: ${run.out.slice(0, 500)}`;
      expect(run.code, context).toBe(c.code);
      expectMentions(run.err, c.err ?? []);
      expectMentions(run.out, c.out ?? []);
      // no temp file anywhere in the case's directory tree
      const walk = (d: string): string[] =>
        readdirSync(d, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(d, e.name)) : [e.name],
        );
      expect(strayTemp(walk(dir)), context).toEqual([]);
      c.after?.(dir, run);
    });
  }
  it('has at least 40 rows', () => {
    console.log(`robustness: ${CASES.length} command-line cases`);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });
});
