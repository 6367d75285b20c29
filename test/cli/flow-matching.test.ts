import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { capture, tempDir } from './helpers.js';

describe('cli train --objective (flow matching)', () => {
  it('trains a flow-matching model, checkpoints it, and eval/report load it back', async () => {
    const out = tempDir('fm');
    const io = capture();
    const args = ['train', '--data', 'moons', '--objective', 'ot-cfm', '--iters', '20', '--eval-every', '20'];
    expect(await main([...args, '--test-size', '200', '--out', out, '--quiet'], io)).toBe(0);
    expect(io.err()).toMatch(/training flow-matching on moons: 20 iterations, batch 128, lr 0.003/);
    const ckpt = JSON.parse(readFileSync(join(out, 'checkpoint.json'), 'utf8'));
    expect(ckpt.model.kind).toBe('flow-matching');
    expect(ckpt.model.objective).toBe('ot-cfm');
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const ev = capture();
    expect(await main(['eval', '--checkpoint', out, '--n', '200'], ev)).toBe(0);
    expect(ev.out()).toMatch(/NLL [0-9.]+ nats/);
    expect(await main(['report', '--checkpoint', out], capture())).toBe(0);
  });

  it('refuses an unknown objective and a discrete flow with an objective (usage error, 2)', async () => {
    const io = capture();
    expect(await main(['train', '--objective', 'mle'], io)).toBe(2);
    expect(io.err()).toMatch(/--objective mle is invalid: expected one of ml, cfm, ot-cfm, rectified/);
    expect(await main(['train', '--objective', 'cfm', '--model', 'realnvp'], io)).toBe(2);
    expect(io.err()).toMatch(/--model realnvp cannot/);
  });
});
