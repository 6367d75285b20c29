import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIO } from '../../src/cli.js';
import type { ModelTable } from '../../src/train/models.js';

/** A CLI io that records what the command writes. */
export function capture(table?: ModelTable): CliIO & { out: () => string; err: () => string } {
  const o: string[] = [];
  const e: string[] = [];
  return {
    stdout: { write: (s: string) => o.push(s), isTTY: false },
    stderr: { write: (s: string) => e.push(s), isTTY: false },
    ...(table ? { table } : {}),
    out: () => o.join(''),
    err: () => e.join(''),
  };
}

/** A fresh temporary directory named for the test file. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `odeflow-${prefix}-`));
}
