import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, consumer, run } from './package/consumer.js';

/**
 * The README's examples run as written, the way a user's project runs them: odeflow installed from
 * its packed tarball into an ESM project (test/package/consumer.ts), each snippet saved there as a
 * file and run by Node (.mjs, .cjs), tsx (.ts), a browser (bundled by esbuild, run in headless
 * Chromium) or tslab. Only training is shortened (`iterations: N` → 3).
 */
const readme = readFileSync('README.md', 'utf8');
const blocks = [...readme.matchAll(/```(ts|js)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1],
  code: m[2] ?? '',
}));
const CHROMIUM = '/usr/bin/chromium';
const TFJS_BANNER = /Hi, looks like you are running TensorFlow\.js in Node\.js/;
let c: Consumer;

beforeAll(async () => {
  c = await consumer();
}, 600_000);

const shorten = (code: string) => code.replace(/iterations: \d+/g, 'iterations: 3');
const kind = (code: string) => {
  const first = code.split('\n')[0] ?? '';
  if (first.startsWith('// app.mjs')) return 'esm';
  if (first.startsWith('// app.cjs')) return 'cjs';
  if (first.startsWith('// main.js')) return 'bundler';
  if (first.startsWith('// a tslab notebook cell')) return 'tslab';
  return 'tour';
};

/** Runs a bundle in headless Chromium and returns its console lines and page errors. */
async function inBrowser(js: string): Promise<{ logs: string[]; errors: string[] }> {
  const profile = mkdtempSync(join(tmpdir(), 'odeflow-readme-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  try {
    const page = await context.newPage();
    const logs: string[] = [];
    const errors: string[] = [];
    page.on('console', (m) => (m.type() === 'error' ? errors : logs).push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    const html = join(profile, 'index.html');
    writeFileSync(
      html,
      `<!doctype html><meta charset="utf-8"><script type="module">${js.replace(/<\/script/g, '<\\/script')}</script>`,
    );
    await page.goto(`file://${html}`);
    const deadline = Date.now() + 60_000;
    while (logs.length === 0 && errors.length === 0 && Date.now() < deadline) await page.waitForTimeout(200);
    return { logs, errors };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('README examples, run as in a user project', () => {
  it('has the Quick start (ESM, CommonJS, bundler, tslab) and the tour', () => {
    const kinds = blocks.map((b) => kind(b.code));
    for (const k of ['esm', 'cjs', 'bundler', 'tslab']) expect(kinds).toContain(k);
    expect(kinds.filter((k) => k === 'tour').length).toBeGreaterThanOrEqual(3);
  });

  it('the TypeScript snippets type-check (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes)', async () => {
    const files = blocks
      .filter((b) => b.lang === 'ts')
      .map((b, i) => {
        const file = `readme-typed-${i + 1}.ts`;
        writeFileSync(join(c.dir, file), `${b.code}\nexport {};\n`);
        return file;
      });
    const tsc = resolve('node_modules/typescript/bin/tsc');
    const flags = ['--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--noEmit'];
    const opts = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    const result = await run('node', [tsc, ...flags, ...opts, ...files], { cwd: c.dir }).catch(
      (e: { stdout: string }) => e,
    );
    expect(result.stdout).toBe('');
  });

  blocks.forEach(({ code }, i) => {
    const k = kind(code);
    const title = code
      .split('\n')
      .find((l) => l.includes("from 'odeflow'") || l.includes("require('odeflow')"));
    it(`example ${i + 1} (${k}) runs: ${title?.trim()}`, async () => {
      const body = shorten(code);
      if (k === 'esm' || k === 'cjs') {
        const file = `readme-${i + 1}.${k === 'esm' ? 'mjs' : 'cjs'}`;
        writeFileSync(join(c.dir, file), body);
        const { stdout, stderr } = await run('node', [file], { cwd: c.dir, timeout: 120_000 });
        expect(stderr).not.toMatch(/Error/);
        expect(stdout).not.toMatch(TFJS_BANNER);
        if (k === 'esm') {
          expect(stdout).toContain("odeflow: using the 'wasm' tfjs backend");
          expect(stdout).toMatch(/\[ 11, 1, 2 \] \[ \[ 0\.3678\d*, 0\.7357\d* \] \]/);
        } else {
          expect(stdout).toMatch(/^wasm \[ \[ 1 \], \[ 0\.3678\d* \] \]/m);
        }
      } else if (k === 'tour') {
        const file = join(c.dir, `readme-${i + 1}.ts`);
        writeFileSync(file, body);
        const { stdout, stderr } = await run(resolve('node_modules/.bin/tsx'), [file], {
          cwd: c.dir,
          timeout: 180_000,
        });
        expect(stderr).not.toMatch(/Error/);
        expect(`${stdout}${stderr}`).not.toMatch(TFJS_BANNER);
        // no initBackend in the tour: the import chose wasm and said so
        expect(stdout).toContain("odeflow: using the 'wasm' tfjs backend");
      } else if (k === 'tslab') {
        writeFileSync(join(c.dir, 'readme-cell.ts'), body);
        const script = `
const { createConverter } = require(${JSON.stringify(resolve('node_modules/tslab/dist/converter.js'))});
const { createExecutor } = require(${JSON.stringify(resolve('node_modules/tslab/dist/executor.js'))});
const node = createConverter({ isBrowser: false });
const errors = [];
const ex = createExecutor(process.cwd(), { node, browser: node, close: () => node.close() }, { log: console.log, error: (...a) => errors.push(a.join(' ')) });
ex.execute(require('fs').readFileSync('readme-cell.ts', 'utf8')).then((ok) => { console.log(JSON.stringify({ ok, errors })); process.exit(0); });
`;
        writeFileSync(join(c.dir, 'readme-cell-runner.cjs'), script);
        const { stdout } = await run('node', ['readme-cell-runner.cjs'], { cwd: c.dir, timeout: 120_000 });
        const r = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { ok: boolean; errors: string[] };
        expect(r.errors).toEqual([]);
        expect(r.ok).toBe(true);
        expect(stdout).toMatch(/^wasm \[ \[ 1 \], \[ 0\.3678\d* \] \]/m);
      } else {
        // bundler: esbuild for the browser, no Node module stubbed, then headless Chromium
        writeFileSync(join(c.dir, 'main.js'), body);
        const out = await build({
          entryPoints: [join(c.dir, 'main.js')],
          absWorkingDir: c.dir,
          bundle: true,
          platform: 'browser',
          format: 'esm',
          write: false,
          logLevel: 'silent',
        });
        expect(out.errors).toEqual([]);
        if (!existsSync(CHROMIUM)) {
          console.warn(`bundled, not run: ${CHROMIUM} is missing (apt-get install chromium)`);
          return;
        }
        const { logs, errors } = await inBrowser(out.outputFiles[0]?.text ?? '');
        expect(errors).toEqual([]);
        expect(logs).toContain('3 × 8 × 2');
      }
    });
  });
});
