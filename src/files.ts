/**
 * File reads and writes whose errors name the path and say what went wrong in words
 * (Node's own messages omit the path for some calls, e.g. reading a directory).
 */
import { readFileSync, statSync } from 'node:fs';

/** A file could not be read or written: the message names the path and the reason. */
export class FileError extends Error {
  /** Always `'FileError'`. */
  override name = 'FileError';
  /**
   * Creates the error.
   *
   * @param path The path concerned.
   * @param message What went wrong.
   * @param code Node's error code, e.g. 'ENOENT', when there is one.
   */
  constructor(
    /** The path concerned. */
    readonly path: string,
    message: string,
    /** Node's error code, e.g. 'ENOENT', 'EISDIR', when there is one. */
    readonly code?: string,
  ) {
    super(message);
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'does not exist',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'has a path component that is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EROFS: 'is on a read-only file system',
};

/** Rewrites a Node fs error as a {@link FileError} naming `path` (`what` says what the file is for). */
export function fileError(err: unknown, path: string, what: string, verb = 'read'): FileError {
  const code = (err as { code?: string }).code;
  const reason = (code && REASONS[code]) ?? (err as Error).message;
  return new FileError(path, `cannot ${verb} ${what} '${path}': ${reason}`, code);
}

/** Reads a UTF-8 text file; errors name the path (a directory is refused in words). */
export function readText(path: string, what = 'file'): string {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw fileError(err, path, what);
  }
}

/** Reads a file's bytes (a Node Buffer, typed as the Uint8Array it is so declarations need no Node types); errors name the path. */
export function readBytes(path: string, what = 'file'): Uint8Array {
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    return readFileSync(path);
  } catch (err) {
    throw fileError(err, path, what);
  }
}
