import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

export const run = promisify(execFile);

/** A temporary project with odeflow installed from its packed tarball (registry for the rest). */
export interface Consumer {
  /** The project folder (package.json "type": "module"). */
  dir: string;
  /** Files in the tarball. */
  tarballFiles: string[];
  /** Size of the project's node_modules, MB (10^6 bytes, files as stored). */
  nodeModulesMB: number;
}

const repo = resolve('.');

function bytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) n += bytes(p);
    else n += lstatSync(p).size;
  }
  return n;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Packs odeflow as `npm pack` does for a release — from a copy of this checkout's files (tracked
 * and new, not ignored: a clean clone), whose `prepack` builds dist/ — and installs the tarball
 * into a fresh project outside the repository with `npm install` (dependencies and peers from the
 * registry, nothing linked). Built once per test run (vitest's globalSetup names the folder and
 * removes it afterwards); test files in other workers wait for it.
 */
export async function consumer(): Promise<Consumer> {
  const base = inject('packageDir');
  const done = join(base, 'ready.json');
  const lock = `${base}.lock`;
  for (;;) {
    if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as Consumer;
    try {
      mkdirSync(lock);
      break;
    } catch {
      await sleep(500);
    }
  }
  try {
    if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as Consumer;
    rmSync(base, { recursive: true, force: true });
    const src = join(base, 'src');
    const { stdout: list } = await run('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: repo });
    for (const file of list.split('\0').filter((f) => f && existsSync(join(repo, f)))) {
      mkdirSync(dirname(join(src, file)), { recursive: true });
      cpSync(join(repo, file), join(src, file));
    }
    symlinkSync(join(repo, 'node_modules'), join(src, 'node_modules')); // build tools only
    const { stdout: packed } = await run('npm', ['pack', '--pack-destination', base, '--json'], {
      cwd: src,
      maxBuffer: 1 << 26,
    });
    // prepack's build prints first; npm's JSON report is the last thing on stdout
    const [info] = JSON.parse(packed.slice(packed.search(/^\[/m))) as {
      filename: string;
      files: { path: string }[];
    }[];
    if (!info) throw new Error('npm pack printed no result');
    const dir = join(base, 'app');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'package.json'),
      `${JSON.stringify({ name: 'odeflow-consumer', private: true, type: 'module', dependencies: { odeflow: `file:../${info.filename}` } }, null, 2)}\n`,
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      maxBuffer: 1 << 26,
    });
    const result: Consumer = {
      dir,
      tarballFiles: info.files.map((f) => f.path),
      nodeModulesMB: bytes(join(dir, 'node_modules')) / 1e6,
    };
    writeFileSync(done, JSON.stringify(result));
    return result;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
