/** The body limit of a push, in bytes, unless `maxBodyBytes` says otherwise (pushes are < 1 KiB). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Why a body was not read: over the limit, or cut short. */
export type BodyFailure = 'too large' | 'incomplete';

const DIGITS_ONLY = /^\d+$/;

/**
 * The declared Content-Length, or undefined when there is none (chunked) or it is not a number
 * (the server in front already refused those).
 */
export function declaredLength(request: Request): number | undefined {
  const value = request.headers.get('content-length');
  return value !== null && DIGITS_ONLY.test(value) ? Number(value) : undefined;
}

/**
 * Reads a push body, never holding more than `maxBytes + 1` bytes of it. A declared length over
 * the limit is refused unread. Within the limit, the declared length bounds what the server
 * passes on (HTTP framing), so the body is read whole; without one, the stream is read and
 * cancelled as soon as it passes the limit.
 */
export async function readBody(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array | BodyFailure> {
  const declared = declaredLength(request);
  if (declared !== undefined && declared > maxBytes) {
    request.body?.cancel().catch(() => {});
    return 'too large';
  }
  try {
    // `body` is not touched on this path: a cheap Request (the Node adapters') makes a stream
    // only when asked for one.
    if (declared !== undefined) {
      // `bytes()` (fetch's, Node 22+, and the Node adapters' cheap Request) spares the copy into
      // a fresh ArrayBuffer that `arrayBuffer()` has to make.
      const { bytes: read } = request as { bytes?: () => Promise<Uint8Array> };
      const bytes =
        typeof read === 'function'
          ? await read.call(request)
          : new Uint8Array(await request.arrayBuffer());
      return bytes.byteLength > maxBytes ? 'too large' : bytes;
    }
    const stream = request.body;
    return stream === null ? new Uint8Array(0) : await readStream(stream, maxBytes);
  } catch {
    return 'incomplete';
  }
}

async function readStream(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | BodyFailure> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {});
      return 'too large';
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
