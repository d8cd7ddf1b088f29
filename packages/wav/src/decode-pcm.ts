/**
 * Sample decoding for the streaming converter, mixed down to mono floats block by block.
 * Little-endian integer PCM (8/16/24/32-bit) and float (32/64-bit), plain or EXTENSIBLE, the
 * bulk of real prompts, are read in place through typed arrays. Everything else in a WAV file
 * that wavefile decodes (big-endian RIFX, A-law, µ-law, mono IMA ADPCM) goes through wavefile,
 * one block of whole frames at a time, so memory stays constant there too. The rest (MS ADPCM,
 * GSM, MP3 inside WAV…) is left to ffmpeg.
 */
import { SiphookError } from '@siphook/schema/errors';
import type { WavContainer } from './wav-info.js';

/** How one sample (or, for IMA ADPCM, one block) is stored. */
export type SampleEncoding =
  | 'uint8'
  | 'int16'
  | 'int24'
  | 'int32'
  | 'float32'
  | 'float64'
  | 'alaw'
  | 'mulaw'
  | 'ima-adpcm';

/** The `fmt ` fields the decoder needs (a subset of WavInfo's format). */
export interface PcmFormatFields {
  tag: number;
  subformat?: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
}

/** A validated, decodable sample layout. */
export interface PcmLayout {
  encoding: SampleEncoding;
  /** True for RIFX files: every multi-byte sample is big-endian. */
  bigEndian: boolean;
  channels: number;
  sampleRate: number;
  /** Bytes per frame (all channels of one sample instant), or per block for IMA ADPCM. */
  blockAlign: number;
  /** Container bytes per sample; valid bits beyond the container's are ignored (left-justified). */
  bytesPerSample: number;
  /** Frames each `blockAlign` bytes decode to: 1, or (blockAlign − 4) · 2 + 1 for IMA ADPCM. */
  framesPerBlock: number;
  /**
   * True when every decoded sample is exactly a 16-bit value (8- and 16-bit integers, G.711, IMA
   * ADPCM): at 8 kHz mono without gain such input is copied bit for bit, undithered.
   */
  onGrid: boolean;
}

/** Writes the mono mix of `blocks` whole blocks of `bytes` into `out[0 .. blocks · framesPerBlock)`. */
export type MonoDecoder = (bytes: Uint8Array, blocks: number, out: Float32Array) => void;

/** WAVE format tags the decoder understands. */
export const WAVE_FORMAT = {
  pcm: 0x0001,
  ieeeFloat: 0x0003,
  alaw: 0x0006,
  mulaw: 0x0007,
  imaAdpcm: 0x0011,
  extensible: 0xfffe,
} as const;

/** On little-endian hosts (all usual Node targets) typed arrays can read WAV bytes in place. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const INT_ENCODINGS: Record<number, SampleEncoding> = {
  1: 'uint8',
  2: 'int16',
  3: 'int24',
  4: 'int32',
};
const FLOAT_ENCODINGS: Record<number, SampleEncoding> = { 4: 'float32', 8: 'float64' };
const ON_GRID = new Set<SampleEncoding>(['uint8', 'int16', 'alaw', 'mulaw', 'ima-adpcm']);

function unsupported(what: string, expected: string, received: unknown): SiphookError {
  return new SiphookError(
    'WAV_UNSUPPORTED_FORMAT',
    `WAV ${what} is ${String(received)}; the converter decodes ${expected}`,
    { field: what, expected, received },
  );
}

/**
 * Checks a `fmt ` description and returns the layout to decode, or throws SiphookError
 * `WAV_UNSUPPORTED_FORMAT` naming the field (for example MS ADPCM, tag 2), for ffmpeg to decode.
 *
 * @example
 * pcmLayoutOf({ tag: 1, channels: 2, sampleRate: 44100, bitsPerSample: 16, blockAlign: 4 }).encoding // 'int16'
 */
export function pcmLayoutOf(format: PcmFormatFields, container: WavContainer = 'RIFF'): PcmLayout {
  const { channels, blockAlign, sampleRate } = format;
  const tag = format.tag === WAVE_FORMAT.extensible ? format.subformat : format.tag;
  const bigEndian = container === 'RIFX';
  if (!Number.isInteger(channels) || channels < 1 || channels > 64)
    throw unsupported('channel count', '1 to 64 channels', channels);
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 768000)
    throw unsupported('sample rate', 'rates from 1000 to 768000 Hz', sampleRate);
  if (tag === WAVE_FORMAT.imaAdpcm) {
    // wavefile decodes mono IMA ADPCM only; stereo goes to ffmpeg.
    if (channels !== 1) throw unsupported('IMA ADPCM channel count', 'mono IMA ADPCM', channels);
    if (format.bitsPerSample !== 4 || blockAlign < 5)
      throw unsupported(
        'IMA ADPCM block',
        '4-bit samples in blocks of at least 5 bytes',
        `${format.bitsPerSample} bits in ${blockAlign}-byte blocks`,
      );
    return {
      encoding: 'ima-adpcm',
      bigEndian,
      channels,
      sampleRate,
      blockAlign,
      bytesPerSample: blockAlign,
      framesPerBlock: (blockAlign - 4) * 2 + 1,
      onGrid: true,
    };
  }
  const bytesPerSample = blockAlign / channels;
  if (!Number.isInteger(bytesPerSample) || bytesPerSample < 1)
    throw unsupported(
      'blockAlign',
      `a whole number of bytes per channel (${channels} channels)`,
      blockAlign,
    );
  if (format.bitsPerSample > bytesPerSample * 8 || format.bitsPerSample < 1)
    throw unsupported(
      'bitsPerSample',
      `at most ${bytesPerSample * 8} bits for blockAlign ${blockAlign}`,
      format.bitsPerSample,
    );
  let encoding: SampleEncoding | undefined;
  if (tag === WAVE_FORMAT.pcm) encoding = INT_ENCODINGS[bytesPerSample];
  else if (tag === WAVE_FORMAT.ieeeFloat) encoding = FLOAT_ENCODINGS[bytesPerSample];
  else if (tag === WAVE_FORMAT.alaw && bytesPerSample === 1) encoding = 'alaw';
  else if (tag === WAVE_FORMAT.mulaw && bytesPerSample === 1) encoding = 'mulaw';
  else
    throw unsupported(
      'format tag',
      'PCM (1), IEEE float (3), A-law (6), µ-law (7) or mono IMA ADPCM (0x11), plain or EXTENSIBLE',
      tag === undefined
        ? 'EXTENSIBLE without a subformat'
        : `0x${tag.toString(16).padStart(4, '0')}`,
    );
  if (encoding === undefined)
    throw unsupported(
      'sample width',
      tag === WAVE_FORMAT.pcm ? 'integer samples of 1 to 4 bytes' : 'float samples of 4 or 8 bytes',
      `${bytesPerSample} bytes`,
    );
  // A container wider than the samples (mono 16-bit with blockAlign 4) is ambiguous: decoding it
  // by blockAlign alone would read int32 and write half the duration of noise.
  if (Math.ceil(format.bitsPerSample / 8) !== bytesPerSample)
    throw unsupported(
      'blockAlign',
      `${channels * Math.ceil(format.bitsPerSample / 8)} (${channels} channels × ${format.bitsPerSample} bits)`,
      blockAlign,
    );
  return {
    encoding,
    bigEndian,
    channels,
    sampleRate,
    blockAlign,
    bytesPerSample,
    framesPerBlock: 1,
    onGrid: ON_GRID.has(encoding),
  };
}

/** True when {@link decodeToMono} reads the layout in place; otherwise wavefile decodes it. */
function readsInPlace(layout: PcmLayout): boolean {
  return (
    !layout.bigEndian &&
    layout.encoding !== 'alaw' &&
    layout.encoding !== 'mulaw' &&
    layout.encoding !== 'ima-adpcm'
  );
}

/**
 * The decoder for a layout: the in-place reader for little-endian PCM and float, wavefile (loaded
 * on first use) for the rest.
 */
export async function createMonoDecoder(layout: PcmLayout): Promise<MonoDecoder> {
  if (readsInPlace(layout)) return (bytes, blocks, out) => decodeToMono(bytes, blocks, layout, out);
  const { default: wavefile } = await import('wavefile');
  return wavefileDecoder(layout, wavefile.WaveFile);
}

/**
 * Decodes `frames` whole frames of little-endian integer PCM or float from `bytes` (starting at a
 * frame boundary) and writes their mono mix into `out[0..frames)`: the average of the channels,
 * so a full-scale input stays within ±1 and nothing clips. Integers map to ±1 by their full scale
 * (int16 32768 → 1).
 */
export function decodeToMono(
  bytes: Uint8Array,
  frames: number,
  layout: PcmLayout,
  out: Float32Array,
): void {
  const { channels, encoding } = layout;
  if (!readsInPlace(layout))
    throw new Error(`decodeToMono reads little-endian PCM and float only; received ${encoding}`);
  const samples = frames * channels;
  const aligned = LITTLE_ENDIAN_HOST && bytes.byteOffset % layout.bytesPerSample === 0;
  const { buffer, byteOffset } = bytes;
  if (encoding === 'int24') mixInt24(bytes, frames, channels, out);
  else if (encoding === 'uint8') mixUint8(bytes, frames, channels, out);
  else if (!aligned) mixView(bytes, frames, layout, VIEW_READERS[encoding as ViewEncoding], out);
  else if (encoding === 'int16')
    mixTyped(new Int16Array(buffer, byteOffset, samples), frames, channels, 1 / 32768, out);
  else if (encoding === 'int32')
    mixTyped(new Int32Array(buffer, byteOffset, samples), frames, channels, 1 / 2147483648, out);
  else if (encoding === 'float32')
    mixTyped(new Float32Array(buffer, byteOffset, samples), frames, channels, 1, out);
  else mixTyped(new Float64Array(buffer, byteOffset, samples), frames, channels, 1, out);
}

/** The part of wavefile's WaveFile used here. */
interface WaveFileLike {
  fromALaw(): void;
  fromMuLaw(): void;
  fromIMAADPCM(): void;
  getSamples(interleaved: boolean, output: Float64ArrayConstructor): unknown;
}

/**
 * Decodes blocks through wavefile: each call wraps the blocks in a minimal WAV file (a 16-byte
 * `fmt ` describing exactly these samples, then `data`) and reads them back as numbers. The walk
 * in inspect-wav.ts has already found the chunks, so wavefile sees only a clean file.
 */
function wavefileDecoder(
  layout: PcmLayout,
  WaveFile: new (bytes: Uint8Array) => WaveFileLike,
): MonoDecoder {
  const { encoding, channels, blockAlign, framesPerBlock, bigEndian } = layout;
  const bits =
    encoding === 'ima-adpcm'
      ? 4
      : encoding === 'alaw' || encoding === 'mulaw'
        ? 8
        : layout.bytesPerSample * 8;
  const tag =
    encoding === 'ima-adpcm'
      ? WAVE_FORMAT.imaAdpcm
      : encoding === 'alaw'
        ? WAVE_FORMAT.alaw
        : encoding === 'mulaw'
          ? WAVE_FORMAT.mulaw
          : encoding === 'float32' || encoding === 'float64'
            ? WAVE_FORMAT.ieeeFloat
            : WAVE_FORMAT.pcm;
  // Integers come back as raw values of their container (8-bit unsigned); G.711 and ADPCM as int16.
  const decodedBits =
    encoding === 'alaw' || encoding === 'mulaw' || encoding === 'ima-adpcm' ? 16 : bits;
  const offset = encoding === 'uint8' ? 128 : 0;
  const scale =
    encoding === 'float32' || encoding === 'float64'
      ? 1 / channels
      : 1 / 2 ** (decodedBits - 1) / channels;
  // wavefile 11 decodes an IMA ADPCM block only once the next block starts, and repeats each
  // block's header sample: one byte more closes the last block, and the repeat is skipped below.
  const extra = encoding === 'ima-adpcm' ? 1 : 0;
  return (bytes, blocks, out) => {
    const dataBytes = blocks * blockAlign + extra;
    const file = new Uint8Array(44 + dataBytes + (dataBytes % 2));
    const view = new DataView(file.buffer);
    const littleEndian = !bigEndian;
    file.set(bigEndian ? RIFX : RIFF, 0);
    view.setUint32(4, file.length - 8, littleEndian);
    file.set(WAVE_FMT, 8);
    view.setUint32(16, 16, littleEndian);
    view.setUint16(20, tag, littleEndian);
    view.setUint16(22, channels, littleEndian);
    view.setUint32(24, layout.sampleRate, littleEndian);
    view.setUint32(28, Math.round((layout.sampleRate * blockAlign) / framesPerBlock), littleEndian);
    view.setUint16(32, blockAlign, littleEndian);
    view.setUint16(34, bits, littleEndian);
    file.set(DATA, 36);
    view.setUint32(40, dataBytes, littleEndian);
    file.set(bytes.subarray(0, blocks * blockAlign), 44);
    const wav = new WaveFile(file);
    if (encoding === 'alaw') wav.fromALaw();
    else if (encoding === 'mulaw') wav.fromMuLaw();
    else if (encoding === 'ima-adpcm') wav.fromIMAADPCM();
    const samples = wav.getSamples(true, Float64Array) as Float64Array;
    if (encoding === 'ima-adpcm') {
      for (let block = 0; block < blocks; block++) {
        const from = block * (framesPerBlock + 1);
        const to = block * framesPerBlock;
        out[to] = samples[from]! * scale;
        for (let i = 1; i < framesPerBlock; i++) out[to + i] = samples[from + i + 1]! * scale;
      }
      return;
    }
    for (let i = 0, j = 0; i < blocks; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += samples[j++]! - offset;
      out[i] = sum * scale;
    }
  };
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const RIFF = ascii('RIFF');
const RIFX = ascii('RIFX');
const WAVE_FMT = ascii('WAVEfmt ');
const DATA = ascii('data');

type ViewEncoding = 'int16' | 'int32' | 'float32' | 'float64';

/** Readers for unaligned bytes or big-endian hosts. */
const VIEW_READERS: Record<ViewEncoding, (view: DataView, at: number) => number> = {
  int16: (view, at) => view.getInt16(at, true) / 32768,
  int32: (view, at) => view.getInt32(at, true) / 2147483648,
  float32: (view, at) => view.getFloat32(at, true),
  float64: (view, at) => view.getFloat64(at, true),
};

/** Typed arrays read in place from the byte buffer. */
type SampleArray = Int16Array | Int32Array | Float32Array | Float64Array;

function mixTyped(
  source: SampleArray,
  frames: number,
  channels: number,
  fullScale: number,
  out: Float32Array,
): void {
  if (channels === 1) {
    for (let i = 0; i < frames; i++) out[i] = source[i]! * fullScale;
    return;
  }
  const scale = fullScale / channels;
  if (channels === 2) {
    for (let i = 0, j = 0; i < frames; i++, j += 2) out[i] = (source[j]! + source[j + 1]!) * scale;
    return;
  }
  for (let i = 0, j = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += source[j++]!;
    out[i] = sum * scale;
  }
}

function mixInt24(bytes: Uint8Array, frames: number, channels: number, out: Float32Array): void {
  const scale = 1 / 8388608 / channels;
  for (let i = 0, j = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, j += 3)
      sum += ((bytes[j]! | (bytes[j + 1]! << 8) | (bytes[j + 2]! << 16)) << 8) >> 8;
    out[i] = sum * scale;
  }
}

/** 8-bit WAV samples are unsigned, centred on 128. */
function mixUint8(bytes: Uint8Array, frames: number, channels: number, out: Float32Array): void {
  const scale = 1 / 128 / channels;
  for (let i = 0, j = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += bytes[j++]! - 128;
    out[i] = sum * scale;
  }
}

function mixView(
  bytes: Uint8Array,
  frames: number,
  layout: PcmLayout,
  read: (view: DataView, at: number) => number,
  out: Float32Array,
): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { channels, bytesPerSample } = layout;
  const scale = 1 / channels;
  for (let i = 0, at = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++, at += bytesPerSample) sum += read(view, at);
    out[i] = sum * scale;
  }
}
