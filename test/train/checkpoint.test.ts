import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tf } from '../../solvers/tf.js';
import { toyData } from '../../src/data/index.js';
import {
  CHECKPOINT_FILE,
  isTempName,
  loadCheckpoint,
  saveCheckpoint,
  writeFileAtomic,
} from '../../src/node.js';
import { gaussian, paramValues, TEST_TABLE } from './gaussian-model.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'odeflow-ckpt-'));

function perturbed(seed: number) {
  const m = gaussian(2);
  m.params[0].assign(tf.tensor1d([0.3 + seed, -1.7]));
  m.params[1].assign(tf.tensor1d([0.25, -0.4 * seed]));
  return m;
}

describe('checkpoints', () => {
  it('round-trip: the loaded model gives identical logProb, config and state', async () => {
    const dir = tmp();
    const model = perturbed(1);
    await saveCheckpoint(dir, model, { iteration: 42, meta: { data: 'moons' } });
    const ck = await loadCheckpoint(dir, TEST_TABLE);
    expect(ck.model).not.toBe(model);
    expect(ck.model.config()).toEqual(model.config());
    expect(ck.state.iteration).toBe(42);
    expect(ck.state.meta).toEqual({ data: 'moons' });
    const x = toyData('moons', 300, 1);
    const a = model.logProb(x);
    const b = ck.model.logProb(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
  });

  it('is tfjs weights format: a manifest naming a binary of the right size', async () => {
    const dir = tmp();
    await saveCheckpoint(dir, perturbed(0), { iteration: 1 });
    const file = JSON.parse(readFileSync(join(dir, CHECKPOINT_FILE), 'utf8'));
    const group = file.weightsManifest[0];
    expect(group.weights.map((w: { shape: number[]; dtype: string }) => [w.shape, w.dtype])).toEqual([
      [[2], 'float32'],
      [[2], 'float32'],
    ]);
    expect(statSync(join(dir, group.paths[0])).size).toBe(16);
    const decoded = tf.io.decodeWeights(
      new Uint8Array(readFileSync(join(dir, group.paths[0]))).buffer,
      group.weights,
    );
    expect(Array.from(decoded.param0.dataSync())).toEqual([0.30000001192092896, -1.7000000476837158]);
    tf.dispose(Object.values(decoded));
  });

  it('writes atomically: no temp files remain, and stale binaries are removed on the next save', async () => {
    const dir = tmp();
    await saveCheckpoint(dir, perturbed(0), { iteration: 1 });
    const first = readdirSync(dir).sort();
    await saveCheckpoint(dir, perturbed(1), { iteration: 2 });
    const second = readdirSync(dir).sort();
    for (const names of [first, second]) {
      expect(names.filter(isTempName)).toEqual([]);
      expect(names.filter((n) => n.endsWith('.bin'))).toHaveLength(1);
      expect(names).toContain(CHECKPOINT_FILE);
    }
    expect(second).not.toEqual(first);
    expect(paramValues((await loadCheckpoint(dir, TEST_TABLE)).model)).toEqual(paramValues(perturbed(1)));
  });

  it('writeFileAtomic replaces whole files and, when the rename fails, leaves the old file and no temp', () => {
    const dir = tmp();
    const path = join(dir, 'f.txt');
    writeFileAtomic(path, 'old');
    writeFileAtomic(path, 'new content');
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['f.txt']);
    // a directory in the way makes the final rename fail after the temp file was fully written
    const blocked = join(dir, 'sub');
    writeFileAtomic(join(blocked, 'x'), 'x');
    expect(() => writeFileAtomic(blocked, 'data')).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['f.txt', 'sub']);
    expect(readFileSync(join(blocked, 'x'), 'utf8')).toBe('x');
  });

  it('refuses to save NaN weights, keeping the previous checkpoint loadable', async () => {
    const dir = tmp();
    await saveCheckpoint(dir, perturbed(0), { iteration: 5 });
    const bad = perturbed(1);
    bad.params[1].assign(tf.tensor1d([Number.NaN, 0]));
    await expect(saveCheckpoint(dir, bad, { iteration: 6 })).rejects.toThrow(
      /refusing to checkpoint: parameter 1 .* non-finite value \(NaN\) at flat index 0; the previous checkpoint is kept/,
    );
    const ck = await loadCheckpoint(dir, TEST_TABLE);
    expect(ck.state.iteration).toBe(5);
    expect(paramValues(ck.model)).toEqual(paramValues(perturbed(0)));
  });

  it('explains a missing checkpoint and a shape mismatch', async () => {
    const dir = tmp();
    await expect(loadCheckpoint(dir, TEST_TABLE)).rejects.toThrow(
      /no checkpoint in .*checkpoint.json not found/,
    );
    await saveCheckpoint(dir, perturbed(0), { iteration: 1 });
    const path = join(dir, CHECKPOINT_FILE);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.model.dim = 3;
    writeFileSync(path, JSON.stringify(file));
    await expect(loadCheckpoint(dir, TEST_TABLE)).rejects.toThrow(
      /weight 0 has shape \[2\], the model expects \[3\]/,
    );
    file.model.kind = 'no-such-kind';
    writeFileSync(path, JSON.stringify(file));
    await expect(loadCheckpoint(dir, TEST_TABLE)).rejects.toThrow(
      /unknown model kind 'no-such-kind'.*test-gaussian/,
    );
    expect(existsSync(path)).toBe(true);
  });
});
