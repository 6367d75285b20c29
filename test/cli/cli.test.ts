import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { plotlyBundle } from '../../src/node.js';
import { TEST_TABLE } from '../train/gaussian-model.js'; // odeflow's table plus the 'test-gaussian' kind
import { capture, tempDir } from './helpers.js';

const tmp = () => tempDir('cli');

describe('cli --help', () => {
  for (const cmd of ['train', 'sample', 'eval', 'report']) {
    it(`${cmd} --help exits 0 and shows its usage and options`, async () => {
      const io = capture(TEST_TABLE);
      expect(await main([cmd, '--help'], io)).toBe(0);
      expect(io.out()).toContain(`usage: odeflow ${cmd}`);
      expect(io.out()).toMatch(/--backend NAME/);
    });
  }

  it('no command prints the overview; an unknown command or option is a usage error (2)', async () => {
    const io = capture(TEST_TABLE);
    expect(await main([], io)).toBe(0);
    expect(io.out()).toMatch(/commands:\s+train/);
    expect(await main(['fly'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown command 'fly'/);
    expect(await main(['train', '--bogus'], io)).toBe(2);
    expect(io.err()).toMatch(/Unknown option '--bogus'.*train --help/);
    expect(await main(['train', '--iters', '0'], io)).toBe(2);
    expect(io.err()).toMatch(/--iters must be a positive integer, got '0'/);
    expect(await main(['train', '--data', 'spirals'], io)).toBe(2);
    expect(io.err()).toMatch(/unknown data set 'spirals'; expected one of 8gaussians/);
  });

  it('--version prints the package version', async () => {
    const io = capture(TEST_TABLE);
    expect(await main(['--version'], io)).toBe(0);
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(io.out().trim()).toBe(version);
  });

  it('the real entry point runs under tsx and exits 0 for --help', async () => {
    const { stdout } = await promisify(execFile)('node_modules/.bin/tsx', ['src/cli.ts', 'eval', '--help']);
    expect(stdout).toContain('usage: odeflow eval');
  });
});

describe('cli train / sample / eval / report', () => {
  const dir = tmp();
  const common = ['--backend', 'cpu'];

  it('train writes a checkpoint and an offline report.html', async () => {
    const io = capture(TEST_TABLE);
    const code = await main(
      [
        'train',
        '--model',
        'test-gaussian',
        '--data',
        'moons',
        '--iters',
        '40',
        '--eval-every',
        '20',
        '--lr',
        '0.05',
        '--out',
        dir,
        ...common,
      ],
      io,
    );
    expect(io.err()).not.toMatch(/error/);
    expect(code).toBe(0);
    expect(io.out()).toMatch(/done: 40 iterations .*held-out NLL \d+\.\d+ nats/);
    expect(existsSync(join(dir, 'checkpoint.json'))).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain(plotlyBundle().slice(0, 500)); // plotly inlined
    expect(html).not.toMatch(/<script[^>]+src=/i); // nothing fetched: no external scripts at all
    expect(html).toContain("Plotly.newPlot('fig0'");
    expect(html).toContain('model density');
    expect(html).toContain('test NLL');
    expect(io.err()).toMatch(/it 20\/40 \| loss/); // plain progress lines (not a TTY)
  });

  it('train --resume continues from the saved iteration', async () => {
    const io = capture(TEST_TABLE);
    const code = await main(
      [
        'train',
        '--model',
        'test-gaussian',
        '--data',
        'moons',
        '--iters',
        '50',
        '--eval-every',
        '20',
        '--lr',
        '0.05',
        '--out',
        dir,
        '--resume',
        ...common,
      ],
      io,
    );
    expect(code).toBe(0);
    expect(io.err()).toMatch(/resuming at iteration 40/);
    const ck = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(ck.state.iteration).toBe(50);
    expect(ck.state.history.map((r: { iteration: number }) => r.iteration)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });

  it('sample prints n rows of CSV', async () => {
    const io = capture(TEST_TABLE);
    expect(await main(['sample', '--checkpoint', dir, '--n', '7', ...common], io)).toBe(0);
    const lines = io.out().trim().split('\n');
    expect(lines[0]).toBe('x0,x1');
    expect(lines).toHaveLength(8);
    for (const l of lines.slice(1)) expect(l.split(',').map(Number).every(Number.isFinite)).toBe(true);
  });

  it('eval gives the NLL on fresh data and on a CSV file; bad rows are refused with line and column', async () => {
    const io = capture(TEST_TABLE);
    expect(await main(['eval', '--checkpoint', dir, '--n', '500', ...common], io)).toBe(0);
    expect(io.out()).toMatch(/NLL \d+\.\d{4} nats per point \(500 fresh moons points\)/);
    const good = join(dir, 'good.csv');
    writeFileSync(good, 'x,y\n0.1,0.2\n1,-0.5\n');
    expect(await main(['eval', '--checkpoint', dir, '--file', good, ...common], io)).toBe(0);
    expect(io.out()).toMatch(/\(2 rows of .*good.csv\)/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'x,y\n0.1,0.2\n1,NaN\n');
    expect(await main(['eval', '--checkpoint', dir, '--file', bad, ...common], io)).toBe(1);
    expect(io.err()).toMatch(/bad.csv: line 3, column 2 is 'NaN'/);
    writeFileSync(bad, '0.1,0.2,0.3\n');
    expect(await main(['eval', '--checkpoint', dir, '--file', bad, ...common], io)).toBe(1);
    expect(io.err()).toMatch(/bad.csv: line 1 has 3 columns, expected 2/);
  });

  it('report --checkpoint rebuilds the report; a missing checkpoint is explained', async () => {
    const io = capture(TEST_TABLE);
    const out = join(dir, 'again.html');
    expect(await main(['report', '--checkpoint', dir, '--out', out, ...common], io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('test-gaussian on moons');
    expect(await main(['report', '--checkpoint', tmp(), ...common], io)).toBe(1);
    expect(io.err()).toMatch(/no checkpoint in .*checkpoint.json not found/);
    expect(await main(['report', ...common], io)).toBe(2);
    expect(io.err()).toMatch(/--checkpoint is required/);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp'))).toEqual([]);
  });
});
