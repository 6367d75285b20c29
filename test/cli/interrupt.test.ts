import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchInterrupt } from '../../src/train/interrupt.js';
import { tempDir } from './helpers.js';

describe('watchInterrupt', () => {
  it('first signal requests a stop, the second calls onSecond; dispose removes the listeners', () => {
    const src = new EventEmitter();
    const seen: string[] = [];
    const w = watchInterrupt({
      source: src as never,
      onFirst: (s) => seen.push(`first ${s}`),
      onSecond: (s) => seen.push(`second ${s}`),
    });
    expect(w.requested).toBe(false);
    src.emit('SIGINT');
    expect(w.requested).toBe(true);
    expect(w.signal).toBe('SIGINT');
    src.emit('SIGINT');
    expect(seen).toEqual(['first SIGINT', 'second SIGINT']);
    expect(src.listenerCount('SIGINT')).toBe(1);
    w.dispose();
    expect(src.listenerCount('SIGINT')).toBe(0);
  });
});

describe('train on Ctrl-C', () => {
  it('saves the checkpoint and the report, says where, exits 130', async () => {
    const dir = tempDir('sigint');
    // node with tsx's loader, not the tsx wrapper: the signal goes straight to the CLI's process
    // (a terminal's Ctrl-C reaches every process of the foreground group alike)
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli.ts',
        'train',
        '--iters',
        '100000',
        '--eval-every',
        '5',
        '--out',
        dir,
        '--backend',
        'wasm',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 150_000 },
    );
    let err = '';
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    const sent = new Promise<void>((ok) => {
      child.stderr.on('data', (d) => {
        err += d;
        // interrupt once an evaluation has been reported (so a report was written during training)
        if (/it 10\/100000/.test(err) && !child.killed) {
          child.kill('SIGINT');
          ok();
        }
      });
    });
    const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
    await sent;
    expect(code, err).toBe(130);
    expect(err).toMatch(/SIGINT: stopping after this iteration/);
    expect(err).toMatch(/interrupted \(SIGINT\) at iteration (\d+) of 100000/);
    expect(err).toContain(`checkpoint: ${dir}`);
    expect(err).toContain(`report: ${join(dir, 'report.html')}`);
    expect(out).toBe('');
    const at = Number(/at iteration (\d+)/.exec(err)?.[1]);
    const saved = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
    expect(saved.state.iteration).toBe(at);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain(`${at} of 100000`);
    rmSync(dir, { recursive: true, force: true });
  });
});
