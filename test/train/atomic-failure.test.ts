import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isTempName, loadCheckpoint, saveCheckpoint } from '../../src/node.js';
import { gaussian, paramValues, TEST_TABLE } from './gaussian-model.js';

/** Renames whose target ends with this string fail, as a crash between write and rename would. */
const failing = vi.hoisted(() => ({ suffix: '' }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (failing.suffix && String(to).endsWith(failing.suffix)) throw new Error('simulated crash');
      return real.renameSync(from, to);
    },
  };
});

describe('checkpoint atomicity under a failed write', () => {
  it('a crash before checkpoint.json is renamed leaves the previous checkpoint whole and loadable', async () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'odeflow-atomic-'));
    const old = gaussian(2, { mean: 0.5 });
    await saveCheckpoint(dir, old, { iteration: 3 });
    const before = fs.readFileSync(join(dir, 'checkpoint.json'), 'utf8');

    const next = gaussian(2, { mean: -2 });
    failing.suffix = 'checkpoint.json';
    await expect(saveCheckpoint(dir, next, { iteration: 4 })).rejects.toThrow('simulated crash');
    failing.suffix = '';

    expect(fs.readFileSync(join(dir, 'checkpoint.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).filter(isTempName)).toEqual([]);
    const ck = await loadCheckpoint(dir, TEST_TABLE);
    expect(ck.state.iteration).toBe(3);
    expect(paramValues(ck.model)).toEqual(paramValues(old));
  });
});
