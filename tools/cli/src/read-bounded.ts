// Reading an input of unknown size (standard input, a FIFO, a device, a growing file) without
// ever holding more than one byte past a limit: for the XML documents of `xml check` and the
// text of `tts`.
import type { FileHandle } from 'node:fs/promises';

/** Bytes read from a file per call; inputs are small (the XML default limit is 64 KiB). */
const READ_CHUNK = 64 * 1024;

/** Reads standard input, but never more than one byte past the limit. */
export async function readStdin(maxBytes: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > maxBytes) {
      process.stdin.destroy();
      return undefined;
    }
  }
  return Buffer.concat(chunks, size);
}

/** Reads at most `maxBytes + 1` bytes from an open file, in chunks, and stops there. */
export async function readBounded(
  handle: FileHandle,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  // One byte past the limit tells "exactly at the limit" from "too large" without reading on:
  // FIFOs, character devices (/dev/zero) and growing files have no trustworthy size to check.
  const buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, READ_CHUNK));
  const chunks: Buffer[] = [];
  let size = 0;
  while (size <= maxBytes) {
    const want = Math.min(buffer.length, maxBytes + 1 - size);
    const { bytesRead } = await handle.read(buffer, 0, want, null);
    if (bytesRead === 0) return Buffer.concat(chunks, size);
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
    size += bytesRead;
  }
  return undefined;
}
