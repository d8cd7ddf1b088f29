import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, readlink, realpath, stat } from 'node:fs/promises';
import { sep } from 'node:path';

/**
 * Which file holds a prompt's bytes, as recorded at ingest. Device and inode name the file itself,
 * whatever path reaches it: a folder on the way swapped for a symlink to an outside folder with a
 * same-name, same-size, same-mtime file still leads to another inode. Size and mtime catch a file
 * rewritten in place.
 */
export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** `O_NOFOLLOW` refuses a symlink in the last component; the identity check covers the folders. */
export const OPEN_FLAGS: number = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** The identity of a file from its `stat` or `fstat`. */
export function identityOf(stats: Stats): FileIdentity {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs };
}

/** True when `stats` is a regular file with the recorded identity. */
export function isSameFile(stats: Stats, identity: FileIdentity): boolean {
  return (
    stats.isFile() &&
    stats.dev === identity.dev &&
    stats.ino === identity.ino &&
    stats.size === identity.size &&
    stats.mtimeMs === identity.mtimeMs
  );
}

/** Bytes read through one descriptor, with the identity of the file they came from. */
export interface FileRead {
  bytes: Buffer;
  identity: FileIdentity;
}

/**
 * Reads a whole file through one descriptor and returns its bytes with the `fstat` identity of
 * that very descriptor, so the identity always belongs to the bytes. With `root`, the opened file
 * must lie under it (see {@link isOpenedInside}). Rejects with the file system's error, or with an
 * error whose `code` is `AUDIO_OUTSIDE_ROOT`.
 */
export async function readWithIdentity(path: string, root?: string): Promise<FileRead> {
  const handle = await open(path, OPEN_FLAGS);
  try {
    const stats = await handle.stat();
    if (root !== undefined && !(await isOpenedInside(handle, stats, path, root))) {
      throw Object.assign(new Error('the opened file is not under the root'), {
        code: 'AUDIO_OUTSIDE_ROOT',
      });
    }
    return { bytes: await handle.readFile(), identity: identityOf(stats) };
  } finally {
    await handle.close();
  }
}

/**
 * Whether an opened file lies under `root`: checked after opening, so that a folder swapped for a
 * symlink between `realpath` and `open` is caught. Linux names the opened file in
 * `/proc/self/fd`; elsewhere `path` must still resolve to itself and to the same inode.
 */
async function isOpenedInside(
  handle: FileHandle,
  stats: Stats,
  path: string,
  root: string,
): Promise<boolean> {
  const prefix = root + sep;
  try {
    return (await readlink(`/proc/self/fd/${handle.fd}`)).startsWith(prefix);
  } catch {
    // No /proc: fall back to resolving the path again.
  }
  try {
    const real = await realpath(path);
    const again = await stat(real);
    return (
      real === path && real.startsWith(prefix) && again.dev === stats.dev && again.ino === stats.ino
    );
  } catch {
    return false;
  }
}
