import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { IterationRecord } from '../../src/metrics/history.js';
import { Progress, type ProgressSink, useColor, visibleLength } from '../../src/train/progress.js';
import { nodeTerminalKit } from '../../src/train/terminal.js';
import { provideTerminalKit } from '../../src/train/terminal-kit.js';

afterEach(() => provideTerminalKit(undefined));

// biome-ignore lint/complexity/useRegexLiterals: a literal would hold control characters (ESC)
const CONTROL = new RegExp(String.raw`\u001b\[[0-9;?]*[A-Za-z]|\u001b[78]`, 'g');
// biome-ignore lint/complexity/useRegexLiterals: a literal would hold control characters (ESC)
const COLOUR = new RegExp(String.raw`\u001b\[3\dm`);
// biome-ignore lint/complexity/useRegexLiterals: a literal would hold control characters (ESC)
const SPLIT = new RegExp(String.raw`\u001b\[1G|\r|\n`);

/** What a terminal shows: the text between cursor-to-column-1 moves, carriage returns and newlines. */
function segments(raw: string): string[] {
  return raw
    .split(SPLIT)
    .map((s) => s.replace(CONTROL, ''))
    .filter((s) => s.length > 0);
}

function rec(iteration: number, testNll?: number): IterationRecord {
  return {
    iteration,
    loss: 3.25,
    gradNorm: 1,
    info: { nfe: 26, nfeBackward: 44 },
    seconds: 0.123,
    elapsed: iteration * 0.123,
    ...(testNll === undefined ? {} : { testNll }),
  };
}

function sink(isTTY: boolean, columns = 80, env: Record<string, string | undefined> = {}) {
  const chunks: string[] = [];
  const s: ProgressSink = { write: (c: string) => chunks.push(c), isTTY, columns, env };
  return { s, raw: () => chunks.join('') };
}

describe('Progress', () => {
  it.each([
    [80, 'cli-progress'],
    [60, 'cli-progress'],
    [40, 'cli-progress'],
    [24, 'cli-progress'],
    [80, 'no terminal kit (browser bundles)'],
    [40, 'no terminal kit (browser bundles)'],
  ])('on a %i-column TTY (%s) every redraw fits the width and stays on one line', (columns, how) => {
    if (how === 'cli-progress') provideTerminalKit(nodeTerminalKit);
    const { s, raw } = sink(true, columns);
    const p = new Progress(250, s);
    for (let i = 1; i <= 250; i++) p.update(rec(i, i % 50 === 0 ? 3 - i / 1000 : undefined));
    p.done();
    const out = raw();
    const segs = segments(out);
    expect(segs.length).toBeGreaterThan(5); // evaluations are drawn at once, besides the throttled redraws
    for (const seg of segs) expect(seg.length, seg).toBeLessThan(columns);
    expect(out.split('\n').length - 1).toBe(1); // one newline, when the bar ends: nothing scrolls
    expect(segs.at(-1)).toContain('it 250/250');
  });

  it('drops the least important fields first and keeps iteration and loss', () => {
    const p = new Progress(1000, sink(true).s);
    p.update(rec(1, 2.5));
    const wide = p.line(rec(500), 200);
    expect(wide).toContain('left');
    expect(wide).toContain('nfe 26/44');
    const narrow = p.line(rec(500), 40);
    expect(visibleLength(narrow)).toBeLessThan(40);
    expect(narrow).toContain('it 500/1000');
    expect(narrow).not.toContain('left');
  });

  it('off a TTY: a plain line per evaluation (and the first and last iteration), no escapes', () => {
    const { s, raw } = sink(false);
    const p = new Progress(250, s);
    for (let i = 1; i <= 250; i++) p.update(rec(i, i % 50 === 0 ? 3 : undefined));
    p.done();
    const lines = raw().trimEnd().split('\n');
    expect(lines.map((l) => /it (\d+)\//.exec(l)?.[1])).toEqual(['1', '50', '100', '150', '200', '250']);
    expect(raw()).not.toMatch(CONTROL);
  });

  it('colours only on a TTY and never with NO_COLOR', () => {
    expect(useColor({ write: () => 0, isTTY: true, env: {} })).toBe(true);
    expect(useColor({ write: () => 0, isTTY: true, env: { NO_COLOR: '1' } })).toBe(false);
    expect(useColor({ write: () => 0, isTTY: true, env: { NO_COLOR: '' } })).toBe(true);
    expect(useColor({ write: () => 0, isTTY: false, env: {} })).toBe(false);
    provideTerminalKit(nodeTerminalKit);
    const { s, raw } = sink(true, 80, { NO_COLOR: '1' });
    const p = new Progress(10, s);
    for (let i = 1; i <= 10; i++) p.update(rec(i, i === 10 ? 3 : undefined));
    p.done();
    expect(raw()).not.toMatch(COLOUR);
  });
});

describe('odeflow train in a pseudo-terminal of 80 columns', () => {
  it('redraws in place: no line longer than 80 columns, a handful of newlines', async () => {
    const dir = join(tmpdir(), `odeflow-pty-${process.pid}`);
    const log = join(tmpdir(), `odeflow-pty-${process.pid}.log`);
    // util-linux `script` runs the command under a pseudo-terminal and logs what it prints
    const cmd = `stty cols 80 rows 24; ${process.execPath} --import tsx src/cli.ts train --iters 40 --eval-every 20 --out ${dir} --backend wasm`;
    await promisify(execFile)('script', ['-qfec', cmd, log], { timeout: 150_000 });
    const out = readFileSync(log, 'utf8');
    // every redraw of the bar fits (the CLI's own one-off lines may wrap; they never repeat)
    const bars = segments(out).filter((s) => / it \d+\/40 /.test(s));
    expect(bars.length).toBeGreaterThan(2);
    for (const bar of bars) expect(bar.length, bar).toBeLessThan(80);
    // backend, training, bar end, done, checkpoint, report (+ script's own lines)
    expect(out.split('\n').length).toBeLessThan(12);
    expect(out).toMatch(COLOUR); // colours on a TTY
    rmSync(dir, { recursive: true, force: true });
    rmSync(log, { force: true });
  });
});
