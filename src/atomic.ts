import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileError } from './files.js';

/**
 * Writes `data` to `path` so that no reader ever sees a partial file: the bytes go to a temp file
 * in the same directory (`.<name>.tmp-<pid>-<n>`), are flushed to disk, and the temp file is then
 * renamed over `path` (atomic on POSIX file systems). On any failure the temp file is removed and
 * `path` keeps its previous content.
 *
 * @param path The file to write; its directory is created if missing.
 * @param data The content.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.tmp-${process.pid}-${counter++}`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < bytes.byteLength) off += writeSync(fd, bytes, off, bytes.byteLength - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw fileError(err, path, 'file', 'write');
  }
}

let counter = 0;

/**
 * Whether a file name is one of {@link writeFileAtomic}'s temp files.
 *
 * @param name A file name (no directory).
 */
export function isTempName(name: string): boolean {
  return /^\..*\.tmp-\d+-\d+$/.test(name);
}

/** Whether process `pid` is alive (signal 0 probes without sending). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * Removes {@link writeFileAtomic} temp files in `dir` left by processes that no longer run
 * (a save interrupted by kill -9). Files of live processes, and every other file, are kept.
 * Returns the names removed.
 *
 * @param dir The directory to clean; a missing one is skipped.
 */
export function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = /^\..*\.tmp-(\d+)-\d+$/.exec(name);
    if (m && !alive(Number(m[1]))) {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}
