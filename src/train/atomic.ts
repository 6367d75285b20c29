import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `data` to `path` so that no reader ever sees a partial file: the bytes go to a temp file
 * in the same directory (`.<name>.tmp-<pid>-<n>`), are flushed to disk, and the temp file is then
 * renamed over `path` (atomic on POSIX file systems). On any failure the temp file is removed and
 * `path` keeps its previous content.
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
    throw err;
  }
}

let counter = 0;

/** Whether a file name is one of {@link writeFileAtomic}'s temp files. */
export function isTempName(name: string): boolean {
  return /^\..*\.tmp-\d+-\d+$/.test(name);
}
