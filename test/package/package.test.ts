import { copyFileSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Consumer, consumer, run } from './consumer.js';

/**
 * Issue 11, point 9: odeflow as a user gets it — the packed tarball installed into a fresh project
 * (tarball + registry, nothing linked) — imported from ESM and CommonJS, type-checked by a strict
 * compiler, run as a command, bundled for browsers, and imported in a tslab cell.
 */
const fixtures = resolve('test/package/fixtures');
const tsc = resolve('node_modules/typescript/bin/tsc');
let c: Consumer;

beforeAll(async () => {
  c = await consumer();
  for (const f of ['consumer.ts', 'consumer-cjs.cts', 'esm-app.mjs', 'cjs-app.cjs', 'tslab-cell.cjs']) {
    copyFileSync(join(fixtures, f), join(c.dir, f));
  }
}, 600_000);

/** The last line of stdout as JSON. */
const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as T;

describe('the packed package', () => {
  it('ships dist, the data file, README and LICENSE only', () => {
    const allowed = /^(dist\/|data\/digits\.csv\.gz$|data\/DIGITS\.md$|README\.md$|LICENSE$|package\.json$)/;
    expect(c.tarballFiles.filter((f) => !allowed.test(f))).toEqual([]);
    for (const f of [
      'dist/esm/index.js',
      'dist/cjs/odeflow.cjs',
      'dist/types/src/index.d.ts',
      'dist/bin/odeflow.js',
    ]) {
      expect(c.tarballFiles).toContain(f);
    }
    console.log(`tarball: ${c.tarballFiles.length} files`);
  });

  it('installs as a copy with tfjs-core and the cpu/wasm backends as peers, no @tensorflow/tfjs union package', () => {
    const nm = join(c.dir, 'node_modules');
    expect(lstatSync(join(nm, 'odeflow')).isSymbolicLink()).toBe(false);
    for (const p of ['tfjs-core', 'tfjs-backend-cpu', 'tfjs-backend-wasm']) {
      expect(lstatSync(join(nm, '@tensorflow', p)).isDirectory()).toBe(true);
    }
    for (const p of ['tfjs', 'tfjs-layers', 'tfjs-converter', 'tfjs-data', 'tfjs-backend-webgl']) {
      expect(() => lstatSync(join(nm, '@tensorflow', p))).toThrow();
    }
    console.log(`consumer node_modules: ${c.nodeModulesMB.toFixed(1)} MB`);
    expect(c.nodeModulesMB).toBeLessThan(79); // a quarter of the 316 MB the union package made it
  });

  it('ESM: import { odeint } from "odeflow" runs a 10-step rk4 solve on wasm without initBackend', async () => {
    const { stdout } = await run('node', ['esm-app.mjs'], { cwd: c.dir });
    const r = lastJson<{ backend: string; shape: number[]; last: number[] }>(stdout);
    expect(stdout).toContain("odeflow: using the 'wasm' tfjs backend");
    expect(r.backend).toBe('wasm');
    expect(r.shape).toEqual([11, 1, 2]);
    // rk4 with h = 0.1 on y' = −y: global error ~1e-7 relative
    expect(r.last[0]).toBeCloseTo(Math.exp(-1), 5);
    expect(r.last[1]).toBeCloseTo(2 * Math.exp(-1), 5);
  });

  it("CommonJS: require('odeflow') and require('odeflow/node') share one instance", async () => {
    const { stdout } = await run('node', ['cjs-app.cjs'], { cwd: c.dir });
    const r = lastJson<{ backend: string; sameInstance: boolean; y1: number; digits: number }>(stdout);
    expect(r.backend).toBe('wasm');
    expect(r.sameInstance).toBe(true);
    expect(r.y1).toBeCloseTo(Math.exp(-1), 5);
    expect(r.digits).toBe(1797);
  });

  it('types: a strict consumer (ESM and CommonJS files) type-checks without skipLibCheck', async () => {
    const flags = ['--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes', '--noEmit'];
    const opts = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    const result = await run('node', [tsc, ...flags, ...opts, 'consumer.ts', 'consumer-cjs.cts'], {
      cwd: c.dir,
    }).catch((e: { stdout: string }) => e);
    expect(result.stdout).toBe('');
  });

  it('no `any` in the shipped declarations', () => {
    const dir = join(c.dir, 'node_modules', 'odeflow', 'dist', 'types');
    const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.d.ts'));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => {
      const code = readFileSync(join(dir, f), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/'[^'\n]*'|"[^"\n]*"|`[^`]*`/g, "''");
      return /\bany\b/.test(code);
    });
    expect(offenders).toEqual([]);
  });

  it('npx odeflow --help and --version', async () => {
    const help = await run('npx', ['--no-install', 'odeflow', '--help'], { cwd: c.dir });
    expect(help.stdout).toMatch(/usage: odeflow <command>/);
    expect(help.stdout).toMatch(/train/);
    const version = await run('npx', ['--no-install', 'odeflow', '--version'], { cwd: c.dir });
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version,
    );
  });

  it('a browser bundle of the main entry builds with esbuild, no Node module stubbed', async () => {
    const out = await build({
      stdin: {
        contents:
          "import { odeint, CNF, flowMatching, densityHeatmap, mlpField, realNVP } from 'odeflow';\nconsole.log(odeint, CNF, flowMatching, densityHeatmap, mlpField, realNVP);",
        resolveDir: c.dir,
      },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(out.errors).toEqual([]);
    const code = out.outputFiles[0]?.text ?? '';
    expect(code).not.toMatch(/from ['"]node:|require\(['"]node:/);
    expect(code.length).toBeGreaterThan(100_000);
  });

  it('tslab: a cell with a typed import runs; a type error is reported', async () => {
    const { stdout } = await run('node', ['tslab-cell.cjs', resolve('node_modules/tslab')], {
      cwd: c.dir,
      timeout: 120_000,
    });
    const r = lastJson<{ ok: boolean[]; out: string[]; errors: string[] }>(stdout);
    expect(r.ok).toEqual([true, false]);
    expect(stdout).toMatch(/^wasm 2 0\.367879/m); // the cell's console.log
    expect(r.errors.join('\n')).toMatch(/not assignable to type 'string'/);
  });
});
