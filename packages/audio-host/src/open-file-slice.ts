import type { ReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { FileSlice } from './decide-reply.js';
import { isSameFile, OPEN_FLAGS } from './file-identity.js';

/**
 * Opens a prompt streamed from disk and returns `null` unless the opened file is the very file
 * checked at ingest: same device and inode (so a folder on the way swapped for a symlink to an
 * outside folder is refused, which `O_NOFOLLOW` alone does not catch), same size and mtime (so
 * bytes rewritten in place, never verified as playable, are not served). Never rejects: every
 * failure is `null`, and the file handle is closed on every path that does not return a stream.
 */
export async function openFileSlice(slice: FileSlice): Promise<ReadStream | null> {
  let handle: FileHandle;
  try {
    handle = await open(slice.path, OPEN_FLAGS);
  } catch {
    return null;
  }
  try {
    if (!isSameFile(await handle.stat(), slice.identity)) {
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
