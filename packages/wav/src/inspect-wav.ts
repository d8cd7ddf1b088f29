import { open } from 'node:fs/promises';
import { SiphookError } from '@siphook/schema/errors';
import { detectFormat } from './detect-format.js';
import type { WavChunk, WavContainer, WavFormat, WavInfo, WavProblem } from './wav-info.js';

/** Anything {@link inspectWav} can read: bytes, a file path, a Node stream or any async byte iterable. */
export type WavSource = Uint8Array | string | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

/** Options for {@link inspectWav}. */
export interface InspectWavOptions {
  /**
   * For a stream: the most bytes to read before giving up on finding `fmt ` and `data`
   * (default 1 MiB). Files are read by seeking, buffers are already in memory.
   */
  maxBytes?: number;
  /** For a stream: the total size, if the caller knows it, so a truncated file can be detected. */
  totalSize?: number;
}

/** The walk asks for `length` bytes at `offset`; a driver answers from memory, a file or a stream. */
interface ReadRequest {
  offset: number;
  length: number;
}

/**
 * The bytes a driver could give. Shorter than asked means the source ended (`eof`) or the driver's
 * limit was reached (`!eof`: the bytes exist but are not available to this walk).
 */
interface ReadResult {
  bytes: Uint8Array;
  eof: boolean;
}

type Walk = Generator<ReadRequest, WavInfo, ReadResult>;

/**
 * Bytes read from a file up front: the header region of nearly every WAV file fits in it; larger
 * chunks before `data` are seeked over with 8-byte reads.
 */
const FILE_HEAD_BYTES = 8 * 1024;
const DEFAULT_STREAM_MAX_BYTES = 1024 * 1024;
/** Bounds the walk over files made of many tiny chunks. */
const MAX_CHUNKS = 4096;
/** fmt bodies are 16, 18 or 40 bytes; nothing past 40 is read. */
const FMT_READ_BYTES = 40;
const SNIFF_BYTES = 512;
const DS64_READ_BYTES = 16;
const PLACEHOLDER_SIZE = 0xffffffff;
/**
 * The KSDATAFORMAT base GUID {xxxxxxxx-0000-0010-8000-00AA00389B71} after its 16-bit format tag,
 * as stored in a little-endian file (Data1's high half, Data2, Data3 little-endian, then bytes).
 */
const BASE_GUID_TAIL = [0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71];
/** The same after Data1 when Data1, Data2 and Data3 are stored big-endian. */
const BASE_GUID_TAIL_BIG_ENDIAN = [0, 0, 0, 0x10, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71];
const BASE_GUID_TEXT = '-0000-0010-8000-00aa00389b71';
const FRAME_BASED_TAGS = new Set([1, 3, 6, 7, 0xfffe]);
const CHUNK_ID = /^[\x20-\x7e]{4}$/;

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end));

/**
 * The RIFF chunk walk, shared by every source. It asks for small, bounded reads (a 12-byte header,
 * 8-byte chunk headers, at most 40 bytes of `fmt `) and skips chunk bodies by their declared size,
 * so nothing is ever allocated according to a size written in the file.
 */
function* walkWav(fileSize: number | undefined, stopAfterData: boolean): Walk {
  const problems: WavProblem[] = [];
  const chunks: WavChunk[] = [];
  const info: WavInfo = {
    container: 'unknown',
    chunks,
    complete: true,
    bytesRead: 0,
    problems,
  };
  if (fileSize !== undefined) info.fileSize = fileSize;

  const header = yield { offset: 0, length: 12 };
  const magic = ascii(header.bytes, 0, 4);
  const container = containerOf(magic);
  if (container === 'unknown') {
    if (header.bytes.length < 4 && !header.eof) return incomplete(info, 'the first 4 bytes');
    const sniff = yield { offset: 0, length: SNIFF_BYTES };
    const detected = detectFormat(sniff.bytes);
    info.detected = detected.kind;
    const hint = detected.audio ? '; convert it with `siphook wav convert`' : '';
    problems.push({
      code: 'WAV_NOT_RIFF',
      message: `file is ${detected.description}, not RIFF/WAVE; a Play file must be a RIFF/WAVE file${hint}`,
      field: 'container',
      received: detected.description,
      expected: 'RIFF/WAVE',
    });
    return finish(info);
  }
  info.container = container;
  if (header.bytes.length < 12) {
    if (!header.eof) return incomplete(info, 'the 12-byte RIFF header');
    problems.push({
      code: 'WAV_TRUNCATED',
      message: `file has ${header.bytes.length} bytes; a RIFF header needs 12`,
      field: 'file size',
      received: `${header.bytes.length} bytes`,
      expected: 'at least 12 bytes',
    });
    return finish(info);
  }
  const littleEndian = container !== 'RIFX';
  const view = (bytes: Uint8Array) =>
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  info.riffSize = view(header.bytes).getUint32(4, littleEndian);
  info.formType = ascii(header.bytes, 8, 12);
  if (info.formType !== 'WAVE') return finish(info);

  let ds64DataSize: number | undefined;
  let fmtSeen = false;
  /** Set when the walk had to stop on something it cannot read past, which is then the problem. */
  let stopped = false;
  let offset = 12;
  for (;;) {
    if (fileSize !== undefined && offset + 8 > fileSize) break;
    if (chunks.length >= MAX_CHUNKS) {
      if (info.dataOffset === undefined || !fmtSeen) {
        const missing = info.dataOffset === undefined ? '"data"' : '"fmt "';
        problems.push({
          code: 'WAV_TOO_MANY_CHUNKS',
          message: `more than ${MAX_CHUNKS} chunks come before ${missing} (the walk stops there, at byte ${offset}); a Play file has "fmt " and "data" near the start, and \`siphook wav convert\` writes them so`,
          field: `chunks before ${missing}`,
          received: `more than ${MAX_CHUNKS}`,
          expected: `at most ${MAX_CHUNKS}`,
        });
        stopped = true;
      }
      info.complete = false;
      break;
    }
    let chunkHeader = yield { offset, length: 8 };
    if (chunkHeader.bytes.length < 8) {
      if (!chunkHeader.eof) info.complete = false;
      break;
    }
    let id = ascii(chunkHeader.bytes, 0, 4);
    const previous = chunks.at(-1);
    if (!CHUNK_ID.test(id) && previous !== undefined && previous.size % 2 === 1) {
      // Some writers leave out the pad byte after an odd-sized chunk. Name that precisely rather
      // than as garbage: a strict player skips the pad byte and loses every chunk after it.
      const unpaddedAt = offset - 1;
      const unpadded = yield { offset: unpaddedAt, length: 8 };
      const unpaddedId = ascii(unpadded.bytes, 0, 4);
      if (unpadded.bytes.length === 8 && CHUNK_ID.test(unpaddedId)) {
        problems.push({
          code: 'WAV_CHUNK_UNPADDED',
          message: `chunk ${JSON.stringify(previous.id)} at offset ${previous.offset} has odd size ${previous.size} but no pad byte; RIFF requires one, and players that follow the rule lose the chunks after it`,
          field: `chunk ${JSON.stringify(previous.id)}`,
          received: 'no pad byte after an odd size',
          expected: 'one pad byte',
        });
        offset = unpaddedAt;
        chunkHeader = unpadded;
        id = unpaddedId;
      }
    }
    let size = view(chunkHeader.bytes).getUint32(4, littleEndian);
    if (!CHUNK_ID.test(id)) {
      // Zero padding or junk after the audio is common and harmless; before it, nothing can play.
      if (info.dataOffset === undefined) {
        const bytes = hexBytes(chunkHeader.bytes.subarray(0, 4));
        problems.push({
          code: 'WAV_CHUNK_INVALID',
          message: `chunk id at byte ${offset} is binary (bytes ${bytes}), not four printable ASCII characters; the chunk walk cannot go on past it, so the "data" chunk after it is not found (\`siphook wav convert\` may still decode the file with ffmpeg)`,
          field: `chunk id at byte ${offset}`,
          received: `bytes ${bytes}`,
          expected: 'four printable ASCII characters',
        });
        stopped = true;
        info.complete = false;
      }
      break;
    }
    if (id === 'data' && size === PLACEHOLDER_SIZE && ds64DataSize !== undefined) {
      size = ds64DataSize;
    }
    chunks.push({ id, offset, size });
    const bodyOffset = offset + 8;
    const bodyEnd = bodyOffset + size;

    if (id === 'fmt ' && info.format === undefined) {
      if (size < 16) {
        problems.push({
          code: 'WAV_FMT_INVALID',
          message: `"fmt " chunk is ${size} bytes; it must be at least 16`,
          field: '"fmt " chunk size',
          received: `${size} bytes`,
          expected: 'at least 16 bytes',
        });
      } else {
        const body = yield { offset: bodyOffset, length: Math.min(size, FMT_READ_BYTES) };
        if (body.bytes.length < 16) {
          if (!body.eof) return incomplete(info, 'the "fmt " chunk');
          problems.push(
            truncatedChunk(id, offset, size, fileSize ?? bodyOffset + body.bytes.length),
          );
          break;
        }
        info.format = parseFormat(view(body.bytes), littleEndian, size);
        fmtSeen = info.dataOffset === undefined;
        if (stopAfterData && !fmtSeen) {
          // fmt after data: a stream has had to read through the audio already; stop here.
          info.complete = false;
          break;
        }
      }
    } else if (id === 'ds64' && container === 'RF64') {
      const body = yield { offset: bodyOffset, length: Math.min(size, DS64_READ_BYTES) };
      if (body.bytes.length >= 16) {
        const ds64 = view(body.bytes);
        info.riffSize = readUint64(ds64, 0);
        ds64DataSize = readUint64(ds64, 8);
      }
    } else if (id === 'data' && info.dataOffset === undefined) {
      info.dataOffset = bodyOffset;
      info.dataSize = size;
      fmtSeen = info.format !== undefined;
      if (stopAfterData && fmtSeen) {
        // A stream cannot seek: stop here rather than read the audio to list later chunks.
        info.complete = fileSize !== undefined && bodyEnd + (size & 1) >= fileSize;
        break;
      }
    }
    if (
      id !== 'data' &&
      info.dataOffset === undefined &&
      fileSize !== undefined &&
      bodyEnd > fileSize
    ) {
      problems.push(truncatedChunk(id, offset, size, fileSize));
    }
    offset = bodyEnd + (size & 1);
  }

  if (info.dataOffset === undefined && !info.complete && !stopped) {
    return incomplete(info, 'the "data" chunk');
  }
  return finish(info);
}

function containerOf(magic: string): WavContainer {
  if (magic === 'RIFF') return 'RIFF';
  if (magic === 'RIFX') return 'RIFX';
  if (magic === 'RF64' || magic === 'BW64') return 'RF64';
  return 'unknown';
}

function readUint64(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
}

function parseFormat(view: DataView, littleEndian: boolean, declaredSize: number): WavFormat {
  const format: WavFormat = {
    tag: view.getUint16(0, littleEndian),
    channels: view.getUint16(2, littleEndian),
    sampleRate: view.getUint32(4, littleEndian),
    bitsPerSample: view.getUint16(14, littleEndian),
    byteRate: view.getUint32(8, littleEndian),
    blockAlign: view.getUint16(12, littleEndian),
  };
  if (format.tag === 0xfffe && declaredSize >= 40 && view.byteLength >= 40) {
    format.validBitsPerSample = view.getUint16(18, littleEndian);
    format.channelMask = view.getUint32(20, littleEndian);
    const guid = new Uint8Array(view.buffer, view.byteOffset + 24, 16);
    const tag = subformatTag(guid, littleEndian);
    if (tag !== undefined) format.subformat = tag;
    format.subformatGuid =
      tag === undefined
        ? formatGuid(guid)
        : `${tag.toString(16).padStart(8, '0')}${BASE_GUID_TEXT}`;
  }
  return format;
}

/**
 * The format tag a standard SubFormat GUID carries, or undefined for another GUID. In RIFF the
 * GUID has its Windows layout. Big-endian RIFX has no single rule: sox writes the tag big-endian
 * and the rest as in RIFF; others write Data1, Data2 and Data3 big-endian. Both are read.
 */
function subformatTag(guid: Uint8Array, littleEndian: boolean): number | undefined {
  const view = new DataView(guid.buffer, guid.byteOffset, 16);
  const matches = (tail: number[], from: number) =>
    tail.every((byte, i) => guid[from + i] === byte);
  if (matches(BASE_GUID_TAIL, 2)) return view.getUint16(0, littleEndian);
  if (!littleEndian && view.getUint16(0) === 0 && matches(BASE_GUID_TAIL_BIG_ENDIAN, 4))
    return view.getUint16(2);
  return undefined;
}

/** Formats a GUID stored in its Windows mixed-endian layout as the usual text form. */
function formatGuid(bytes: Uint8Array): string {
  const hex = (from: number, to: number, reverse: boolean) => {
    const part = Array.from(bytes.subarray(from, to), (b) => b.toString(16).padStart(2, '0'));
    return (reverse ? part.reverse() : part).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

/** `EF BE AD DE`: bytes that are not text, for a message. */
function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

function truncatedChunk(id: string, offset: number, size: number, fileSize: number): WavProblem {
  return {
    code: 'WAV_TRUNCATED',
    message: `chunk ${JSON.stringify(id)} at offset ${offset} declares ${size} bytes but the file ends at byte ${fileSize}`,
    field: `chunk ${JSON.stringify(id)}`,
    received: `file ends at byte ${fileSize}`,
    expected: `${size} bytes from offset ${offset + 8}`,
  };
}

function incomplete(info: WavInfo, missing: string): WavInfo {
  info.complete = false;
  const last = info.chunks.at(-1);
  const where =
    last === undefined
      ? ''
      : ` (the next chunk header is at byte ${last.offset + 8 + last.size + (last.size % 2)}, after ${JSON.stringify(last.id)} of ${last.size} bytes)`;
  info.problems.push({
    code: 'WAV_HEADER_INCOMPLETE',
    message: `${missing} was not found in the bytes read${where}; a Play file keeps its header at the start, and \`siphook wav convert\` writes a 44-byte one`,
    field: 'header',
    received: `not found in the bytes read${where}`,
    expected: `${missing} near the start of the file`,
  });
  return finish(info);
}

/** Fields in the order people read them; `wav info --json` prints this object as is. */
const FIELD_ORDER: (keyof WavInfo)[] = [
  'container',
  'detected',
  'formType',
  'riffSize',
  'fileSize',
  'format',
  'dataOffset',
  'dataSize',
  'durationSeconds',
  'chunks',
  'complete',
  'bytesRead',
  'problems',
];

function finish(info: WavInfo): WavInfo {
  const { format, dataOffset, dataSize, fileSize } = info;
  if (format !== undefined && dataOffset !== undefined && dataSize !== undefined) {
    const present =
      fileSize === undefined ? dataSize : Math.min(dataSize, Math.max(0, fileSize - dataOffset));
    const tag = format.tag === 0xfffe ? (format.subformat ?? format.tag) : format.tag;
    if (FRAME_BASED_TAGS.has(tag) && format.blockAlign > 0 && format.sampleRate > 0) {
      info.durationSeconds = Math.floor(present / format.blockAlign) / format.sampleRate;
    } else if (format.byteRate > 0) {
      info.durationSeconds = present / format.byteRate;
    }
  }
  return Object.fromEntries(
    FIELD_ORDER.filter((key) => info[key] !== undefined).map((key) => [key, info[key]]),
  ) as unknown as WavInfo;
}

/** Runs the walk over bytes already in memory. `whole` says whether they are the entire file. */
function walkBytes(head: Uint8Array, fileSize: number | undefined, whole: boolean): WavInfo {
  const walk = walkWav(fileSize, !whole);
  let bytesRead = 0;
  let step = walk.next(undefined as unknown as ReadResult);
  while (!step.done) {
    const { offset, length } = step.value;
    const bytes = head.subarray(
      Math.min(offset, head.length),
      Math.min(offset + length, head.length),
    );
    if (bytes.length > 0) bytesRead = Math.max(bytesRead, offset + bytes.length);
    step = walk.next({ bytes, eof: whole });
  }
  step.value.bytesRead = bytesRead;
  return step.value;
}

/**
 * Inspects a WAV header that is already in memory. Without `totalSize`, `head` is taken as the
 * whole file; with it, `head` is the file's first bytes (as fetched by an HTTP range request) and
 * the walk stops where `head` ends.
 *
 * @example
 * const info = inspectWavBytes(await readFile('prompt.wav'));
 * info.format?.sampleRate // 8000
 */
export function inspectWavBytes(head: Uint8Array, totalSize?: number): WavInfo {
  if (totalSize === undefined || totalSize <= head.length) {
    const whole = totalSize === undefined ? head : head.subarray(0, totalSize);
    return walkBytes(whole, whole.length, true);
  }
  return walkBytes(head, totalSize, false);
}

/**
 * Inspects the start of a file whose total size may be unknown (an HTTP body without a length):
 * the walk stops where `head` ends. For checkUrl and other callers holding only a prefix.
 */
export function inspectWavHead(head: Uint8Array, totalSize: number | undefined): WavInfo {
  if (totalSize !== undefined && totalSize <= head.length) return inspectWavBytes(head, totalSize);
  return walkBytes(head, totalSize, false);
}

/**
 * Walks the RIFF chunks of a WAV file and reports its format, data, chunks and structural problems.
 * It reads only the header region: a file path is read through a file handle (the first 8 KiB,
 * then 8-byte chunk headers found by seeking over bodies); a stream is read only until `fmt ` and
 * `data` are found, then destroyed. Pass the result to {@link checkPlayable} for the Play rule.
 *
 * @throws {SiphookError} `WAV_READ_FAILED` when the file or stream cannot be read (details.systemCode
 *   holds the system code, e.g. `ENOENT`; details.source the path); `WAV_SOURCE_INVALID` for an unsupported source.
 * @example
 * const info = await inspectWav('prompt.wav');
 * // { container: 'RIFF', formType: 'WAVE', format: { tag: 1, channels: 1, sampleRate: 8000, ... }, ... }
 */
export async function inspectWav(
  source: WavSource,
  options: InspectWavOptions = {},
): Promise<WavInfo> {
  if (source instanceof Uint8Array) return inspectWavBytes(source);
  if (typeof source === 'string') return inspectFile(source);
  if (source !== null && typeof source === 'object' && Symbol.asyncIterator in source) {
    return inspectStream(source as AsyncIterable<Uint8Array | string>, options);
  }
  throw new SiphookError(
    'WAV_SOURCE_INVALID',
    `inspectWav source: expected bytes, a file path or a readable stream; received ${typeof source}`,
  );
}

function readFailed(source: string, error: unknown): SiphookError {
  const systemCode = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  const what = source === 'the stream' ? source : JSON.stringify(source);
  return new SiphookError(
    'WAV_READ_FAILED',
    `cannot read ${what}: ${reason}`,
    { systemCode, source },
    { cause: error },
  );
}

async function inspectFile(path: string): Promise<WavInfo> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw readFailed(path, error);
  }
  let stats: Awaited<ReturnType<typeof handle.stat>>;
  try {
    stats = await handle.stat();
  } catch (error) {
    await handle.close();
    throw readFailed(path, error);
  }
  if (stats.isDirectory()) {
    await handle.close();
    throw readFailed(path, Object.assign(new Error('it is a directory'), { code: 'EISDIR' }));
  }
  if (!stats.isFile()) {
    // A FIFO, socket or device has no size to trust (`/dev/zero` says 0): read it as a stream,
    // which is bounded by maxBytes like any other stream.
    const stream = handle.createReadStream();
    try {
      return await inspectStream(stream, {});
    } finally {
      stream.destroy();
    }
  }
  try {
    const { size } = stats;
    const head = new Uint8Array(Math.min(size, FILE_HEAD_BYTES));
    let bytesRead = 0;
    if (head.length > 0) bytesRead = (await handle.read(head, 0, head.length, 0)).bytesRead;
    const walk = walkWav(size, false);
    let step = walk.next(undefined as unknown as ReadResult);
    while (!step.done) {
      const { offset, length } = step.value;
      let bytes: Uint8Array;
      if (offset + length <= head.length || offset >= size || head.length === size) {
        bytes = head.subarray(
          Math.min(offset, head.length),
          Math.min(offset + length, head.length),
        );
      } else {
        // Requests are at most 512 bytes, so this allocation is bounded by the walk, not the file.
        const buffer = new Uint8Array(Math.min(length, size - offset));
        const result = await handle.read(buffer, 0, buffer.length, offset);
        bytesRead += result.bytesRead;
        bytes = buffer.subarray(0, result.bytesRead);
      }
      step = walk.next({ bytes, eof: true });
    }
    step.value.bytesRead = bytesRead;
    return step.value;
  } catch (error) {
    throw readFailed(path, error);
  } finally {
    await handle.close();
  }
}

async function inspectStream(
  source: AsyncIterable<Uint8Array | string>,
  options: InspectWavOptions,
): Promise<WavInfo> {
  const maxBytes = options.maxBytes ?? DEFAULT_STREAM_MAX_BYTES;
  const iterator = source[Symbol.asyncIterator]();
  // Bytes held from the stream: [start, start + buffered). Only the current request's bytes are kept.
  let parts: Uint8Array[] = [];
  let start = 0;
  let buffered = 0;
  let consumed = 0;
  let ended = false;

  const pull = async (): Promise<boolean> => {
    if (ended || consumed >= maxBytes) return false;
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      return false;
    }
    const value = next.value;
    if (typeof value === 'string') {
      throw new SiphookError(
        'WAV_SOURCE_INVALID',
        'inspectWav stream: expected bytes; received text chunks (do not set an encoding on the stream)',
      );
    }
    let chunk = value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBuffer);
    if (consumed + chunk.length > maxBytes) chunk = chunk.subarray(0, maxBytes - consumed);
    consumed += chunk.length;
    parts.push(chunk);
    buffered += chunk.length;
    return true;
  };

  const read = async ({ offset, length }: ReadRequest): Promise<ReadResult> => {
    // Skip forward without keeping what lies between: chunk bodies are discarded as they pass.
    while (start + buffered < offset) {
      parts = [];
      start += buffered;
      buffered = 0;
      if (!(await pull())) return { bytes: new Uint8Array(0), eof: ended };
      if (start + buffered > offset) {
        // Keep one byte before the request: the walk may step back over a missing pad byte.
        const drop = Math.max(0, offset - 1 - start);
        parts = [concat(parts, buffered).subarray(drop)];
        start += drop;
        buffered -= drop;
      }
    }
    while (start + buffered < offset + length && (await pull())) {}
    let all = concat(parts, buffered);
    // Forget what lies before the request (but one byte), so later copies stay small.
    const keepFrom = Math.max(0, offset - 1 - start);
    all = all.subarray(keepFrom);
    start += keepFrom;
    buffered -= keepFrom;
    parts = [all];
    const from = offset - start;
    return { bytes: all.subarray(from, Math.min(from + length, buffered)), eof: ended };
  };

  try {
    const walk = walkWav(options.totalSize, true);
    let step = walk.next(undefined as unknown as ReadResult);
    while (!step.done) step = walk.next(await read(step.value));
    step.value.bytesRead = consumed;
    return step.value;
  } catch (error) {
    if (error instanceof SiphookError) throw error;
    throw readFailed('the stream', error);
  } finally {
    await iterator.return?.();
    const destroyable = source as { destroy?: () => void; destroyed?: boolean };
    if (typeof destroyable.destroy === 'function' && destroyable.destroyed !== true) {
      destroyable.destroy();
    }
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
