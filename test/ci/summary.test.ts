/** .ci/summary.mjs counts every test that did not pass (crashed and lost ones as failed). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'odeflow-summary-'));
const run = (report: unknown, status: string, extra = '0'): string => {
  const file = join(dir, `r${Math.random()}.json`);
  if (report !== undefined) writeFileSync(file, JSON.stringify(report));
  return execFileSync('node', ['.ci/summary.mjs', file, status, extra], { encoding: 'utf8' }).trim();
};
const t = (status: string) => ({ status });

it.each([
  [
    'all passed',
    { numTotalTests: 2, testResults: [{ status: 'passed', assertionResults: [t('passed'), t('passed')] }] },
    '0',
    '0',
    '2 passed, 0 failed',
  ],
  [
    'a failing test',
    {
      numTotalTests: 2,
      testResults: [{ status: 'failed', message: '', assertionResults: [t('passed'), t('failed')] }],
    },
    '1',
    '0',
    '1 passed, 1 failed',
  ],
  [
    'tests lost in a crashed worker are failed, not skipped',
    {
      numTotalTests: 3,
      testResults: [
        {
          status: 'failed',
          message: 'Worker exited unexpectedly',
          assertionResults: [t('passed'), t('pending'), t('pending')],
        },
      ],
    },
    '1',
    '0',
    '1 passed, 2 failed',
  ],
  [
    'a file that failed to load counts once',
    {
      numTotalTests: 1,
      testResults: [
        { status: 'passed', assertionResults: [t('passed')] },
        { status: 'failed', message: 'SyntaxError', assertionResults: [] },
      ],
    },
    '1',
    '0',
    '1 passed, 1 failed',
  ],
  [
    'vitest failed with no failing test, and another CI step failed: both count',
    { numTotalTests: 1, testResults: [{ status: 'passed', assertionResults: [t('passed')] }] },
    '1',
    '2',
    '1 passed, 3 failed',
  ],
  [
    'tests counted but never reported are failed',
    { numTotalTests: 5, testResults: [{ status: 'passed', assertionResults: [t('passed'), t('passed')] }] },
    '1',
    '0',
    '2 passed, 3 failed',
  ],
  [
    'deliberate skips stay skips',
    { numTotalTests: 2, testResults: [{ status: 'passed', assertionResults: [t('passed'), t('skipped')] }] },
    '0',
    '0',
    '1 passed, 0 failed, 1 skipped',
  ],
] as const)('%s', (_name, report, status, extra, line) => {
  expect(run(report, status, extra)).toBe(line);
});

it('no report (typecheck or lint failed): one failure plus the other steps', () => {
  expect(run(undefined, '2', '1')).toBe('0 passed, 2 failed');
});
