// Prints "N passed, N failed" from vitest's JSON report (what .ci/run ends with). Arguments: the
// report, the exit status of the test command itself, and the number of CI steps outside vitest
// that failed (setup, notebooks, docs). Every test that did not pass counts as failed unless it
// was skipped on purpose: tests lost in a crashed file (a file-level error) are failed, a file
// that failed outside any test counts once, tests vitest counted but never reported count, and a
// non-zero exit with no failing test (a load error, an unhandled rejection) counts as one.
import { existsSync, readFileSync } from 'node:fs';

const [file, status, extraArg] = process.argv.slice(2);
const extra = Number(extraArg ?? 0) || 0;
if (!existsSync(file)) {
  // typecheck or lint failed before vitest ran: count that as one failure
  console.log(`0 passed, ${(status === '0' ? 0 : 1) + extra} failed`);
} else {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const f of r.testResults ?? []) {
    const crashed = f.status === 'failed' && Boolean(f.message);
    let failedHere = 0;
    for (const a of f.assertionResults ?? []) {
      if (a.status === 'passed') passed++;
      else if (a.status === 'failed' || crashed) {
        failed++;
        failedHere++;
      } else skipped++;
    }
    if (f.status === 'failed' && failedHere === 0) failed++;
  }
  failed += Math.max(0, (r.numTotalTests ?? 0) - (passed + failed + skipped));
  if (status !== '0' && failed === 0) failed = 1;
  failed += extra;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
