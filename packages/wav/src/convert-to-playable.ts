/**
 * convertToPlayable: any audio file in, a canonical Play WAV (44-byte header, PCM, mono, 8000 Hz,
 * 16-bit) out, written atomically. WAV input streams through TypeScript in constant memory
 * (decode → mix → resample → dither → write); anything else is decoded by ffmpeg.
 */
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { describeReceived, isSiphookError, SiphookError } from '@siphook/schema/errors';
import { checkPlayable } from './check-playable.js';
import { createMonoDecoder, type PcmLayout, pcmLayoutOf } from './decode-pcm.js';
import { createQuantizer } from './dither.js';
import { abortedError, findFfmpeg, runFfmpeg } from './ffmpeg.js';
import { inspectWav } from './inspect-wav.js';
import { createPlayResampler, PLAY_SAMPLE_RATE } from './resample.js';
import { type SilenceSpan, scanLevels } from './scan-levels.js';
import { measurePlayFile, type SourceMeasure, verifyConversion } from './verify-conversion.js';
import type { WavInfo } from './wav-info.js';
import {
  CANONICAL_HEADER_BYTES,
  encodeCanonicalHeader,
  MAX_CANONICAL_DATA_BYTES,
} from './write-wav.js';

/** Options for {@link convertToPlayable}. */
export interface ConvertOptions {
  /** Peak normalisation: `true` scales the loudest sample to −1 dBFS, a number to that many dBFS (−60…0). */
  normalize?: boolean | number;
  /** Cuts leading and trailing silence: everything before the first and after the last sample at or above `silenceThresholdDb`. */
  trimSilence?: boolean;
  /** Level (dBFS, −120…0) below which a sample counts as silence, measured before normalisation. Default −50. */
  silenceThresholdDb?: number;
  /** With `trimSilence`: keep up to this many seconds (0…1) of the quiet signal at each end, so speech does not start or stop abruptly. Default 0. */
  trimPadSeconds?: number;
  /** ffmpeg binary for non-WAV input; default: {@link findFfmpeg}. */
  ffmpegPath?: string;
  /** Aborts the conversion; nothing is left behind. */
  signal?: AbortSignal;
}

/** What {@link convertToPlayable} wrote. */
export interface ConvertResult {
  /** The output path, as given. */
  output: string;
  /** `pcm`: decoded by the TypeScript pipeline; `ffmpeg`: decoded by ffmpeg. */
  method: 'pcm' | 'ffmpeg';
  /** {@link inspectWav} of the written file (canonical and playable). */
  info: WavInfo;
  /** {@link inspectWav} of the input. */
  inputInfo?: WavInfo;
  /** Length of the output. */
  durationSeconds: number;
  /** Gain applied by normalisation, in dB (0 without it). */
  gainDb: number;
  /** Seconds cut at the start and at the end by `trimSilence` (0 without it). */
  trimmedSeconds: { start: number; end: number };
  /** Samples that exceeded 16-bit full scale and were clamped (0 for in-range input). */
  clippedSamples: number;
}

/** Bytes read from the input per step: the pipeline's memory does not grow with the file. */
const READ_BYTES = 256 * 1024;
/** Output samples per write (256 KiB); two such buffers alternate, so one is written while the other fills. */
const WRITE_SAMPLES = 128 * 1024;
const DEFAULT_NORMALIZE_DB = -1;
const DEFAULT_SILENCE_DB = -50;
/** Inputs that are clearly not audio, refused without asking ffmpeg, and how to name them. */
const NOT_AUDIO: ReadonlyMap<string, string> = new Map([
  ['empty', 'empty (0 bytes)'],
  ['html', 'an HTML page, not audio'],
  ['xml', 'an XML document, not audio'],
  ['json', 'JSON text, not audio'],
  ['text', 'plain text, not audio'],
]);
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let tempCounter = 0;

/**
 * A unique, unguessable part for temp names: pid, a counter and 48 random bits from V8's randomly
 * seeded generator. Not node:crypto, whose loading alone costs ~6 ms of a one-file CLI run; the
 * pipeline's temp file is created exclusively (`wx`), so a name taken in between fails safely.
 */
function tempSuffix(): string {
  const random = Math.floor(Math.random() * 2 ** 48)
    .toString(36)
    .padStart(10, '0');
  return `${process.pid.toString(36)}-${(tempCounter++).toString(36)}-${random}`;
}

/** A region of a WAV file the pipeline can decode. */
interface PcmSource {
  path: string;
  layout: PcmLayout;
  dataOffset: number;
  /** Whole blocks present, in bytes (declared size clamped to the file). */
  dataBytes: number;
}

/** Containers whose WAVE data the TypeScript pipeline reads (RF64 after its `ds64` sizes). */
const PIPELINE_CONTAINERS = new Set(['RIFF', 'RIFX', 'RF64']);
/** ffmpeg's container durations carry codec delay and padding (MP3, AAC): this much is allowed. */
const FFMPEG_DURATION_TOLERANCE = { seconds: 0.1, fraction: 0.02 };

/** The processing asked for, with options validated. */
interface Processing {
  normalizeDb?: number;
  silenceDb?: number;
  /** Output samples kept on each side of the non-silent span when trimming. */
  padSamples?: number;
}

/**
 * Converts `input` to a Play file at `output`: RIFF/WAVE, a 44-byte header, PCM, mono, 8000 Hz,
 * 16-bit, no other chunks. WAV input (integer 8/16/24/32-bit, float 32/64-bit, A-law, µ-law,
 * plain or EXTENSIBLE, any channel count and rate) is decoded, mixed to mono by averaging,
 * resampled with a windowed-sinc low-pass (flat to 3.4 kHz, ≥ 80 dB down from 4 kHz) and
 * TPDF-dithered, streaming in constant memory; other audio goes through ffmpeg. The result is
 * checked with {@link checkPlayable} before it is renamed into place from a temp file in the
 * output's folder, so a failure leaves neither output nor temp file. `input` may equal `output`.
 *
 * @throws {SiphookError} `WAV_READ_FAILED`, `WAV_WRITE_FAILED` (I/O); `WAV_UNSUPPORTED_FORMAT`,
 *   `WAV_NO_AUDIO`, `WAV_SILENT`, `FFMPEG_FAILED`, `CONVERT_OUTPUT_INVALID` (the input cannot
 *   become a Play file); `FFMPEG_NOT_FOUND`; `OPTIONS_INVALID`; `CONVERT_ABORTED`.
 * @example
 * const { info } = await convertToPlayable('music.mp3', 'prompt.wav', { normalize: true });
 * info.format // { tag: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16, ... }
 */
export async function convertToPlayable(
  input: string,
  output: string,
  options: ConvertOptions = {},
): Promise<ConvertResult> {
  const processing = validateOptions(options);
  const { signal } = options;
  if (signal?.aborted) throw abortedError(input);
  const inputInfo = await inspectWav(input);
  const directSource = pcmSourceOf(inputInfo, input);
  const temps: string[] = [];
  const tempFor = (purpose: string) => {
    const path = join(
      dirname(resolve(output)),
      `.${basename(output)}.${tempSuffix()}.${purpose}.tmp`,
    );
    temps.push(path);
    return path;
  };
  try {
    let method: ConvertResult['method'] = 'pcm';
    let source = directSource;
    let final: string | undefined;
    /** The source as measured before resampling: by ffmpeg, or by the pipeline's own pass. */
    let measured: SourceMeasure | undefined;
    let durationToleranceSeconds = 1.5 / PLAY_SAMPLE_RATE;
    if (source === undefined) {
      method = 'ffmpeg';
      const ffmpegPath = options.ffmpegPath ?? (await findFfmpeg());
      const decoded = tempFor('ffmpeg');
      measured = await runFfmpeg(ffmpegPath, input, decoded, { signal });
      const declared = measured.durationSeconds ?? 0;
      durationToleranceSeconds = Math.max(
        FFMPEG_DURATION_TOLERANCE.seconds,
        declared * FFMPEG_DURATION_TOLERANCE.fraction,
      );
      const decodedInfo = await inspectWav(decoded);
      const needsWork = processing.normalizeDb !== undefined || processing.silenceDb !== undefined;
      if (!needsWork && isCanonicalPlayable(decodedInfo)) final = decoded;
      else {
        // ffmpeg left extra chunks, or normalise/trim was asked for: re-write it through the pipeline.
        source = pcmSourceOf(decodedInfo, decoded);
        if (source === undefined)
          throw outputInvalid(input, decodedInfo, 'ffmpeg wrote no decodable WAV');
      }
    }
    let stats = { gainDb: 0, trimmedSeconds: { start: 0, end: 0 }, clippedSamples: 0 };
    if (final === undefined) {
      final = tempFor('pcm');
      const written = await convertPcm(source!, final, processing, signal);
      stats = written.stats;
      measured ??= written.source;
    }
    const info = await inspectWav(final);
    if (!isCanonicalPlayable(info))
      throw outputInvalid(input, info, 'the written file is not a canonical Play WAV');
    verifyConversion(input, measured ?? {}, await measurePlayFile(final), {
      gain: 10 ** (stats.gainDb / 20),
      trimmedSeconds: stats.trimmedSeconds.start + stats.trimmedSeconds.end,
      durationToleranceSeconds,
      mayBeShorter: method === 'ffmpeg',
    });
    if (signal?.aborted) throw abortedError(input);
    try {
      await rename(final, output);
    } catch (error) {
      throw ioError(
        'WAV_WRITE_FAILED',
        `cannot move the converted file into place at ${describeReceived(output)}`,
        output,
        error,
      );
    }
    temps.splice(temps.indexOf(final), 1);
    return {
      output,
      method,
      info,
      inputInfo,
      durationSeconds: info.durationSeconds ?? 0,
      ...stats,
    };
  } finally {
    await Promise.all(temps.map((path) => unlink(path).catch(() => undefined)));
  }
}

function validateOptions(options: ConvertOptions): Processing {
  const processing: Processing = {};
  const { normalize, trimSilence, silenceThresholdDb, trimPadSeconds } = options;
  if (normalize === true) processing.normalizeDb = DEFAULT_NORMALIZE_DB;
  else if (typeof normalize === 'number') {
    if (!Number.isFinite(normalize) || normalize > 0 || normalize < -60)
      throw optionError(
        'normalize',
        'true, false or a peak level in dBFS from -60 to 0',
        normalize,
      );
    processing.normalizeDb = normalize;
  } else if (normalize !== undefined && normalize !== false)
    throw optionError('normalize', 'true, false or a peak level in dBFS from -60 to 0', normalize);
  if (
    silenceThresholdDb !== undefined &&
    (!Number.isFinite(silenceThresholdDb) || silenceThresholdDb > 0 || silenceThresholdDb < -120)
  )
    throw optionError('silenceThresholdDb', 'a level in dBFS from -120 to 0', silenceThresholdDb);
  if (
    trimPadSeconds !== undefined &&
    (!Number.isFinite(trimPadSeconds) || trimPadSeconds < 0 || trimPadSeconds > 1)
  )
    throw optionError('trimPadSeconds', 'seconds from 0 to 1', trimPadSeconds);
  if (trimPadSeconds !== undefined)
    processing.padSamples = Math.round(trimPadSeconds * PLAY_SAMPLE_RATE);
  if (trimSilence === true) processing.silenceDb = silenceThresholdDb ?? DEFAULT_SILENCE_DB;
  else if (trimSilence !== undefined && trimSilence !== false)
    throw optionError('trimSilence', 'true or false', trimSilence);
  return processing;
}

function optionError(field: string, expected: string, received: unknown): SiphookError {
  return new SiphookError(
    'OPTIONS_INVALID',
    `${field}: expected ${expected}; received ${describeReceived(received)}`,
    {
      field,
      expected,
      received,
    },
  );
}

/**
 * The decodable region of a WAV file, or undefined when ffmpeg must decode it. Throws for input
 * that is plainly not audio (empty, HTML, text) and for a WAV without audio frames.
 */
function pcmSourceOf(info: WavInfo, path: string): PcmSource | undefined {
  const notAudio = info.detected === undefined ? undefined : NOT_AUDIO.get(info.detected);
  if (info.container === 'unknown' && notAudio !== undefined) {
    throw new SiphookError(
      'WAV_UNSUPPORTED_FORMAT',
      `${describeReceived(path)} is ${notAudio}; expected a WAV file or audio that ffmpeg decodes`,
      { input: path, detected: info.detected },
    );
  }
  if (!PIPELINE_CONTAINERS.has(info.container) || info.formType !== 'WAVE') return undefined;
  const { dataOffset, format } = info;
  // The walk stopped before "data" (a binary chunk id, thousands of chunks): ffmpeg reads further.
  if (dataOffset === undefined && info.complete === false) return undefined;
  if (format === undefined) return undefined;
  let layout: PcmLayout;
  try {
    layout = pcmLayoutOf(format, info.container);
  } catch (error) {
    if (isSiphookError(error, 'WAV_UNSUPPORTED_FORMAT')) return undefined; // MS ADPCM, GSM, MP3-in-WAV…: ffmpeg's job
    throw error;
  }
  const available = dataOffset === undefined ? 0 : Math.max(0, (info.fileSize ?? 0) - dataOffset);
  let declared = info.dataSize ?? available;
  // A writer that never went back to fill in the size leaves 0 before the samples: as ffmpeg does,
  // read to the end of the file when nothing but samples follows the data header.
  if (declared === 0 && info.complete !== false && info.chunks.at(-1)?.id === 'data')
    declared = available;
  const bytes = Math.min(declared, available);
  const dataBytes = bytes - (bytes % layout.blockAlign);
  if (dataOffset === undefined || dataBytes === 0) {
    throw new SiphookError(
      'WAV_NO_AUDIO',
      `${describeReceived(path)} has no audio frames: ${dataOffset === undefined ? 'no data chunk' : `data chunk holds ${bytes} bytes`}; expected at least one frame of ${layout.blockAlign} bytes`,
      { input: path, dataOffset, dataSize: info.dataSize },
    );
  }
  const frames = (dataBytes / layout.blockAlign) * layout.framesPerBlock;
  const outputBytes = Math.ceil(frames * (PLAY_SAMPLE_RATE / layout.sampleRate)) * 2;
  if (outputBytes > MAX_CANONICAL_DATA_BYTES) {
    throw new SiphookError(
      'WAV_TOO_LONG',
      `${describeReceived(path)} would give ${outputBytes} bytes of 8 kHz audio; a WAV file holds at most ${MAX_CANONICAL_DATA_BYTES}`,
      { input: path, outputBytes },
    );
  }
  return { path, layout, dataOffset, dataBytes };
}

/** True for exactly the canonical form: playable, 44-byte header, `fmt ` and `data` only, nothing after the data. */
function isCanonicalPlayable(info: WavInfo): boolean {
  return (
    checkPlayable(info).ok &&
    info.dataOffset === CANONICAL_HEADER_BYTES &&
    info.chunks.length === 2 &&
    info.chunks[0]?.id === 'fmt ' &&
    info.chunks[0].size === 16 &&
    info.chunks[1]?.id === 'data' &&
    info.fileSize === CANONICAL_HEADER_BYTES + (info.dataSize ?? -1)
  );
}

function outputInvalid(input: string, info: WavInfo, why: string): SiphookError {
  const problems = checkPlayable(info).problems;
  const detail =
    problems.length > 0
      ? problems.map((problem) => problem.message).join('; ')
      : `chunks ${info.chunks.map((chunk) => chunk.id).join(', ')}`;
  return new SiphookError(
    'CONVERT_OUTPUT_INVALID',
    `converting ${describeReceived(input)}: ${why} (${detail})`,
    { input, problems, info },
  );
}

function ioError(
  code: 'WAV_READ_FAILED' | 'WAV_WRITE_FAILED',
  message: string,
  path: string,
  error: unknown,
): SiphookError {
  if (isSiphookError(error)) return error;
  const cause = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  return new SiphookError(code, `${message}: ${reason}`, { path, cause }, { cause: error });
}

/**
 * Streams the data region of `source` as mono float blocks: 256 KiB read, decoded and mixed per
 * step into buffers allocated once. Two read buffers alternate, so the next read is in flight
 * while the current block is processed. `onBlock` gets a view that is reused by the next step.
 */
async function streamMono(
  source: PcmSource,
  signal: AbortSignal | undefined,
  onBlock: (mono: Float32Array) => void | Promise<void>,
): Promise<void> {
  const { layout, path } = source;
  const { blockAlign, framesPerBlock } = layout;
  const decode = await createMonoDecoder(layout);
  const chunkBytes = Math.max(blockAlign, READ_BYTES - (READ_BYTES % blockAlign));
  const buffers = [new Uint8Array(chunkBytes), new Uint8Array(chunkBytes)];
  const mono = new Float32Array((chunkBytes / blockAlign) * framesPerBlock);
  const readFailed = (error: unknown) =>
    ioError('WAV_READ_FAILED', `cannot read ${describeReceived(path)}`, path, error);
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw readFailed(error);
  }
  let position = source.dataOffset;
  let remaining = source.dataBytes;
  /** Starts reading the next chunk into `buffer` after `carry` bytes already there. */
  const readInto = (buffer: Uint8Array, carry: number): Promise<number> | undefined => {
    if (remaining <= 0) return undefined;
    const length = Math.min(chunkBytes - carry, remaining);
    const at = position;
    position += length;
    remaining -= length;
    return handle.read(buffer, carry, length, at).then(
      (result) => result.bytesRead,
      (error: unknown) => Promise.reject(readFailed(error)),
    );
  };
  let current = 0;
  let carry = 0;
  let pending = readInto(buffers[0]!, 0);
  try {
    while (pending !== undefined) {
      const bytesRead = await pending;
      pending = undefined;
      if (signal?.aborted) throw abortedError(path);
      if (bytesRead === 0) break; // the file shrank while we read it
      const bytes = buffers[current]!;
      const available = carry + bytesRead;
      const blocks = Math.floor(available / blockAlign);
      // A partial block (only after a short read) moves to the front of the other buffer.
      const next = buffers[1 - current]!;
      carry = available - blocks * blockAlign;
      if (carry > 0) next.set(bytes.subarray(blocks * blockAlign, available));
      pending = readInto(next, carry);
      decode(bytes, blocks, mono);
      await onBlock(mono.subarray(0, blocks * framesPerBlock));
      current = 1 - current;
    }
  } finally {
    // Let an in-flight read settle before closing its handle.
    await pending?.catch(() => undefined);
    await handle.close();
  }
}

/** Runs the Play pipeline over `source` into the temp file `target`: optional scan pass, then the write pass. */
async function convertPcm(
  source: PcmSource,
  target: string,
  processing: Processing,
  signal: AbortSignal | undefined,
): Promise<{
  stats: Pick<ConvertResult, 'gainDb' | 'trimmedSeconds' | 'clippedSamples'>;
  source: SourceMeasure;
}> {
  const { layout } = source;
  let gain = 1;
  let span: SilenceSpan | undefined;
  if (processing.normalizeDb !== undefined || processing.silenceDb !== undefined) {
    const threshold =
      processing.silenceDb === undefined
        ? Number.POSITIVE_INFINITY
        : 10 ** (processing.silenceDb / 20);
    const levels = await scanLevels(
      (onBlock) => streamMono(source, signal, onBlock),
      layout.sampleRate,
      threshold,
    );
    if (processing.normalizeDb !== undefined && levels.peak > 0)
      gain = 10 ** (processing.normalizeDb / 20) / levels.peak;
    if (processing.silenceDb !== undefined) {
      if (levels.first < 0) {
        throw new SiphookError(
          'WAV_SILENT',
          `trimSilence: no sample of ${describeReceived(source.path)} reaches ${processing.silenceDb} dBFS (peak ${levelDb(levels.peak)}); nothing would be left`,
          { input: source.path, peak: levels.peak, silenceThresholdDb: processing.silenceDb },
        );
      }
      const pad = processing.padSamples ?? 0;
      span = {
        first: Math.max(0, levels.first - pad),
        last: Math.min(levels.length - 1, levels.last + pad),
        length: levels.length,
      };
    }
  }
  // Integer input already on the 16-bit grid (8-bit, 16-bit, G.711) at 8 kHz mono needs no dither:
  // rounding is exact, so such a file passes through bit for bit.
  const exact =
    layout.onGrid && layout.channels === 1 && layout.sampleRate === PLAY_SAMPLE_RATE && gain === 1;
  const from = span?.first ?? 0;
  const to = span === undefined ? Number.POSITIVE_INFINITY : span.last + 1;

  let handle: FileHandle;
  try {
    handle = await open(target, 'wx');
  } catch (error) {
    throw ioError(
      'WAV_WRITE_FAILED',
      `cannot create a temp file next to the output (${describeReceived(target)})`,
      target,
      error,
    );
  }
  const buffers = [new Int16Array(WRITE_SAMPLES), new Int16Array(WRITE_SAMPLES)];
  let out = buffers[0]!;
  let fill = 0;
  let position = CANONICAL_HEADER_BYTES;
  let clippedSamples = 0;
  let index = 0;
  let sourceSquares = 0;
  let sourceFrames = 0;
  /** The write in flight, if any: it owns the buffer not being filled. */
  let writing: Promise<void> | undefined;
  const quantizer = createQuantizer({ dither: !exact });
  const resampler = createPlayResampler(layout.sampleRate);
  const write = async (bytes: Uint8Array, at: number) => {
    try {
      await handle.write(bytes, 0, bytes.length, at);
    } catch (error) {
      throw ioError('WAV_WRITE_FAILED', `cannot write ${describeReceived(target)}`, target, error);
    }
  };
  /** Starts writing the filled buffer, then waits for the previous write so its buffer can be refilled. */
  const flush = async () => {
    if (fill === 0) return;
    const bytes = new Uint8Array(out.buffer, 0, fill * 2);
    if (!LITTLE_ENDIAN_HOST) swapBytes16(bytes);
    const previous = writing;
    writing = write(bytes, position);
    writing.catch(() => undefined); // awaited below or in the next flush; never unhandled
    position += bytes.length;
    fill = 0;
    out = out === buffers[0] ? buffers[1]! : buffers[0]!;
    await previous;
  };
  const sink = async (block: Float32Array) => {
    let start = Math.max(0, from - index);
    const end = Math.min(block.length, to - index);
    index += block.length;
    while (start < end) {
      const count = Math.min(end - start, out.length - fill);
      clippedSamples += quantizer.quantize(block.subarray(start, start + count), gain, out, fill);
      fill += count;
      start += count;
      if (fill === out.length) await flush();
    }
  };
  try {
    // The header goes in last, once the data size is known; the data starts at byte 44.
    await streamMono(source, signal, (mono) => {
      sourceSquares += sumOfSquares(mono);
      sourceFrames += mono.length;
      return sink(resampler.push(mono));
    });
    await sink(resampler.flush());
    await flush();
    await writing;
    await write(encodeCanonicalHeader(position - CANONICAL_HEADER_BYTES), 0);
  } finally {
    // Let a write in flight settle before closing its handle.
    await writing?.catch(() => undefined);
    await handle.close();
  }
  const seconds = (samples: number) => samples / PLAY_SAMPLE_RATE;
  return {
    stats: {
      gainDb: gain === 1 ? 0 : 20 * Math.log10(gain),
      trimmedSeconds:
        span === undefined
          ? { start: 0, end: 0 }
          : { start: seconds(span.first), end: seconds(span.length - span.last - 1) },
      clippedSamples,
    },
    // The length the header declares (whole blocks), the energy of what the decoder gave.
    source: {
      durationSeconds:
        ((source.dataBytes / layout.blockAlign) * layout.framesPerBlock) / layout.sampleRate,
      energy: sourceFrames === 0 ? 0 : sourceSquares / layout.sampleRate,
    },
  };
}

/** Σx² of a block, summed in a local (a captured variable would be written back each step). */
function sumOfSquares(block: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < block.length; i++) sum += block[i]! * block[i]!;
  return sum;
}

function swapBytes16(bytes: Uint8Array): void {
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const low = bytes[i]!;
    bytes[i] = bytes[i + 1]!;
    bytes[i + 1] = low;
  }
}

function levelDb(amplitude: number): string {
  return amplitude === 0 ? 'digital silence' : `${(20 * Math.log10(amplitude)).toFixed(1)} dBFS`;
}
