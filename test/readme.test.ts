import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The README's TypeScript examples run as written (imports pointed at this checkout, training
 * shortened to a few iterations): the tour must stay true.
 */
const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
const root = resolve('src/index.ts');

describe('README examples', () => {
  it('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
  });
  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs (${code
      .split('\n')
      .find((l) => l.includes('import'))
      ?.trim()})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'odeflow-readme-'));
      // .mts: ESM whatever the temporary folder holds (a .ts there compiles to CommonJS, without top-level await)
      const file = join(dir, `example${i + 1}.mts`);
      const body = code
        .replace(/from 'odeflow'/g, `from '${root}'`)
        .replace(/iterations: \d+/g, 'iterations: 3');
      // an example that does not pick a backend runs on the default one
      const init = body.includes('initBackend')
        ? ''
        : `import { initBackend as __init } from '${root}';\nawait __init();\n`;
      writeFileSync(file, init + body);
      const { stderr } = await promisify(execFile)(resolve('node_modules/.bin/tsx'), [file], {
        timeout: 120_000,
        env: { ...process.env, ODEFLOW_BACKEND: process.env.ODEFLOW_BACKEND ?? 'wasm' },
      });
      expect(stderr).not.toMatch(/Error/);
    });
  });
});
