import { constants, type ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileSlice } from './decide-reply.js';

const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/**
 * Opens a prompt streamed from disk, refusing to follow a symlink swapped in after ingest and
 * returning `null` when the file no longer has the size and mtime that were checked at ingest
 * (then its bytes were never verified as playable, so they must not be served). Never rejects:
 * every failure is `null`, and the file handle is closed on every path that does not return a stream.
 */
export async function openFileSlice(slice: FileSlice): Promise<ReadStream | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(slice.path, OPEN_FLAGS);
  } catch {
    return null;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size !== slice.size || stats.mtimeMs !== slice.mtimeMs) {
      await handle.close();
      return null;
    }
    // The stream owns the handle from here and closes it at the end or on destroy.
    return handle.createReadStream({ start: slice.start, end: slice.end, autoClose: true });
  } catch {
    // fstat failed (EIO and the like): the bytes cannot be verified, so they are not served, and
    // the descriptor is released rather than left to the garbage collector.
    await handle.close().catch(() => {});
    return null;
  }
}
