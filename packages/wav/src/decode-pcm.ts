/**
 * Sample decoding for the streaming converter: every WAV sample encoding sipgate users send
 * (integer PCM 8/16/24/32, float 32/64, A-law, µ-law, also inside WAVE_FORMAT_EXTENSIBLE),
 * decoded and mixed down to mono floats in one pass.
 */
import { SiphookError } from '@siphook/schema/errors';

/** How one sample is stored. */
export type SampleEncoding =
  | 'uint8'
  | 'int16'
  | 'int24'
  | 'int32'
  | 'float32'
  | 'float64'
  | 'alaw'
  | 'mulaw';

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
  channels: number;
  sampleRate: number;
  /** Bytes per frame (all channels of one sample instant). */
  blockAlign: number;
  /** Container bytes per sample; valid bits beyond the container's are ignored (left-justified). */
  bytesPerSample: number;
}

/** WAVE format tags the decoder understands. */
export const WAVE_FORMAT = {
  pcm: 0x0001,
  ieeeFloat: 0x0003,
  alaw: 0x0006,
  mulaw: 0x0007,
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

function unsupported(what: string, expected: string, received: unknown): SiphookError {
  return new SiphookError(
    'WAV_UNSUPPORTED_FORMAT',
    `WAV ${what} is ${String(received)}; the converter decodes ${expected}`,
    { field: what, expected, received },
  );
}

/**
 * Checks a `fmt ` description and returns the layout to decode, or throws SiphookError
 * `WAV_UNSUPPORTED_FORMAT` naming the field (for example ADPCM, tag 2).
 *
 * @example
 * pcmLayoutOf({ tag: 1, channels: 2, sampleRate: 44100, bitsPerSample: 16, blockAlign: 4 }).encoding // 'int16'
 */
export function pcmLayoutOf(format: PcmFormatFields): PcmLayout {
  const { channels, blockAlign, sampleRate } = format;
  const tag = format.tag === WAVE_FORMAT.extensible ? format.subformat : format.tag;
  if (!Number.isInteger(channels) || channels < 1 || channels > 64)
    throw unsupported('channel count', '1 to 64 channels', channels);
  if (!Number.isInteger(sampleRate) || sampleRate < 1000 || sampleRate > 768000)
    throw unsupported('sample rate', 'rates from 1000 to 768000 Hz', sampleRate);
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
      'PCM (1), IEEE float (3), A-law (6) or µ-law (7), plain or EXTENSIBLE',
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
  return { encoding, channels, sampleRate, blockAlign, bytesPerSample };
}

/** ITU-T G.711 A-law expansion (as in the reference g711.c), scaled to ±1. */
function alawToFloat(code: number): number {
  const value = code ^ 0x55;
  let magnitude = (value & 0x0f) << 4;
  const segment = (value & 0x70) >> 4;
  if (segment === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (segment - 1);
  return ((value & 0x80) !== 0 ? magnitude : -magnitude) / 32768;
}

/** ITU-T G.711 µ-law expansion (as in the reference g711.c), scaled to ±1. */
function mulawToFloat(code: number): number {
  const value = ~code & 0xff;
  const magnitude = (((value & 0x0f) << 3) + 0x84) << ((value & 0x70) >> 4);
  return ((value & 0x80) !== 0 ? 0x84 - magnitude : magnitude - 0x84) / 32768;
}

/** Lookup tables for the 8-bit encodings: one float per byte value. */
const BYTE_TABLES = {
  uint8: Float32Array.from({ length: 256 }, (_, code) => (code - 128) / 128),
  alaw: Float32Array.from({ length: 256 }, (_, code) => alawToFloat(code)),
  mulaw: Float32Array.from({ length: 256 }, (_, code) => mulawToFloat(code)),
};

/**
 * Decodes `frames` whole frames from `bytes` (starting at a frame boundary) and writes their mono
 * mix into `out[0..frames)`: the average of the channels, so a full-scale input stays within ±1
 * and nothing clips. Integers map to ±1 by their full scale (int16 32768 → 1).
 */
export function decodeToMono(
  bytes: Uint8Array,
  frames: number,
  layout: PcmLayout,
  out: Float32Array,
): void {
  const { channels, encoding } = layout;
  const samples = frames * channels;
  const aligned = LITTLE_ENDIAN_HOST && bytes.byteOffset % layout.bytesPerSample === 0;
  const { buffer, byteOffset } = bytes;
  if (encoding === 'int24') mixInt24(bytes, frames, channels, out);
  else if (encoding === 'uint8' || encoding === 'alaw' || encoding === 'mulaw')
    mixBytes(bytes, frames, channels, BYTE_TABLES[encoding], out);
  else if (!aligned) mixView(bytes, frames, layout, VIEW_READERS[encoding], out);
  else if (encoding === 'int16')
    mixTyped(new Int16Array(buffer, byteOffset, samples), frames, channels, 1 / 32768, out);
  else if (encoding === 'int32')
    mixTyped(new Int32Array(buffer, byteOffset, samples), frames, channels, 1 / 2147483648, out);
  else if (encoding === 'float32')
    mixTyped(new Float32Array(buffer, byteOffset, samples), frames, channels, 1, out);
  else mixTyped(new Float64Array(buffer, byteOffset, samples), frames, channels, 1, out);
}

/** Fallback readers for unaligned bytes or big-endian hosts. */
const VIEW_READERS: Record<
  'int16' | 'int32' | 'float32' | 'float64',
  (view: DataView, at: number) => number
> = {
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

function mixBytes(
  bytes: Uint8Array,
  frames: number,
  channels: number,
  table: Float32Array,
  out: Float32Array,
): void {
  const scale = 1 / channels;
  for (let i = 0, j = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += table[bytes[j++]!]!;
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
