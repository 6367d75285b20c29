// Prints "N passed, N failed" from vitest's JSON report (what .ci/run ends with). A third argument
// adds failures of CI steps outside vitest (setup, notebooks, docs).
import { existsSync, readFileSync } from 'node:fs';

const [file, status, extraArg] = process.argv.slice(2);
const extra = Number(extraArg ?? 0) || 0;
if (!existsSync(file)) {
  // typecheck or lint failed before vitest ran: count that as one failure
  console.log(`0 passed, ${(status === '0' ? 0 : 1) + extra} failed`);
} else {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const vitestFailed = status !== '0' && r.numFailedTests === 0 && extra === 0 ? 1 : 0;
  const failed = r.numFailedTests + vitestFailed + extra;
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
