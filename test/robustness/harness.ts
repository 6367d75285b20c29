/**
 * The robustness suite's table format: each case runs one bad (or edge) input through the public
 * API and expects either a typed error whose message names the value, the valid range and where,
 * or a result that a check accepts — with no tensor left behind and no file left that the case
 * did not expect.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { tf } from '../../src/node.js';

/** What a case expects. */
export type Outcome<T> =
  | { error: abstract new (...args: never[]) => Error; mentions: (string | RegExp)[] }
  | { ok: (result: T) => void | Promise<void> };

/** One row of a robustness table. */
export interface Case<T = unknown> {
  /** What the hostile or careless user does. */
  name: string;
  /** Runs it; `dir` is a fresh empty temporary directory for the case's files. */
  run: (dir: string) => T | Promise<T>;
  expect: Outcome<T>;
  /** Test timeout (ms) for cases that train; default the suite's. */
  timeout?: number;
  /** File names the case may leave in `dir` (default: whatever `run` itself created before the call). */
  files?: (names: string[]) => void;
}

/** A fresh temporary directory for one case. */
export function caseDir(): string {
  return mkdtempSync(join(tmpdir(), 'odeflow-robust-'));
}

/** Matches a message against every `mentions` entry (substring or pattern). */
export function expectMentions(message: string, mentions: (string | RegExp)[]): void {
  for (const m of mentions) {
    if (typeof m === 'string') expect(message).toContain(m);
    else expect(message).toMatch(m);
  }
}

/** Temp files any of odeflow's atomic writers leave on failure (there must be none). */
export const strayTemp = (names: string[]) => names.filter((n) => /\.tmp-\d+/.test(n));

/** Runs a case: outcome, no tensor leak, no stray temp file. */
export async function runCase<T>(c: Case<T>): Promise<void> {
  const dir = caseDir();
  const before = tf.memory().numTensors;
  let result: T | undefined;
  let error: unknown;
  try {
    result = await c.run(dir);
  } catch (err) {
    error = err;
  }
  if ('error' in c.expect) {
    if (error === undefined) throw new Error(`${c.name}: expected ${c.expect.error.name}, got a result`);
    if (!(error instanceof c.expect.error)) throw error;
    expectMentions((error as Error).message, c.expect.mentions);
  } else {
    if (error !== undefined) throw error;
    await c.expect.ok(result as T);
    if (result instanceof tf.Tensor) result.dispose();
  }
  expect(tf.memory().numTensors, `${c.name}: tensors left behind`).toBe(before);
  const names = readdirSync(dir);
  expect(strayTemp(names), `${c.name}: temp files left`).toEqual([]);
  c.files?.(names);
}
