import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where test/package/consumer.ts packs and installs odeflow during this run. */
    packageDir: string;
  }
}

/**
 * solvers/tf.ts imports the generated gradient registrations: build them if `npm ci` did not.
 * Names this run's packaging folder (one per checkout and run) and removes it afterwards.
 */
export default function setup(project: TestProject): () => void {
  if (!existsSync('solvers/generated/tfjs-gradients.js')) {
    execFileSync(process.execPath, ['scripts/gradients.mjs'], { stdio: 'inherit' });
  }
  const checkout = createHash('sha1').update(resolve('.')).digest('hex').slice(0, 8);
  const dir = join(tmpdir(), `odeflow-package-${checkout}-${process.pid}`);
  project.provide('packageDir', dir);
  return () => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.lock`, { recursive: true, force: true });
  };
}
