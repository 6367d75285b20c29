import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** solvers/tf.ts imports the generated gradient registrations: build them if `npm ci` did not. */
export default function setup(): void {
  if (!existsSync('solvers/generated/tfjs-gradients.js')) {
    execFileSync(process.execPath, ['scripts/gradients.mjs'], { stdio: 'inherit' });
  }
}
