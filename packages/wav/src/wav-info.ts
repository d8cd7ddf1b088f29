import type { ErrorCode } from '@siphook/schema';
// WavInfo is produced by this package, never parsed from outside, so plain types suffice here: the
// edge that validates is the RIFF chunk walk itself (inspect-wav.ts).

/**
 * One problem found in a WAV file or at its URL. `message` is the whole sentence; `field`,
 * `received` and `expected` (when present) let a caller print the short form
 * `sample rate 44100 Hz, expected 8000 Hz`.
 */
export interface WavProblem {
  /** Stable machine-readable code, e.g. `WAV_SAMPLE_RATE`. */
  code: ErrorCode;
  /** What was checked, what was expected and what was received. */
  message: string;
  /** The checked property in words, e.g. `sample rate`. */
  field?: string;
  /** What the file holds, e.g. `44100 Hz`. */
  received?: string;
  /** What a Play file must hold, e.g. `8000 Hz`. */
  expected?: string;
}

/** The container's magic: little-endian `RIFF`, big-endian `RIFX`, 64-bit `RF64`/`BW64`, or none. */
export type WavContainer = 'RIFF' | 'RIFX' | 'RF64' | 'unknown';

/** The `fmt ` chunk, decoded. */
export interface WavFormat {
  /** wFormatTag: 1 PCM, 3 IEEE float, 6 A-law, 7 µ-law, 0xFFFE WAVE_FORMAT_EXTENSIBLE, ... */
  tag: number;
  /** For WAVE_FORMAT_EXTENSIBLE: the format tag carried in the SubFormat GUID (1 = PCM). */
  subformat?: number;
  /** For WAVE_FORMAT_EXTENSIBLE: the whole SubFormat GUID, e.g. `00000001-0000-0010-8000-00aa00389b71`. */
  subformatGuid?: string;
  /** For WAVE_FORMAT_EXTENSIBLE: wValidBitsPerSample. */
  validBitsPerSample?: number;
  /** For WAVE_FORMAT_EXTENSIBLE: dwChannelMask. */
  channelMask?: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  byteRate: number;
  blockAlign: number;
}

/** One chunk of the file: its four-character id, where its 8-byte header starts, and its declared body size. */
export interface WavChunk {
  id: string;
  /** Byte offset of the chunk header (the id); the body starts 8 bytes later. */
  offset: number;
  /** Body size as declared in the header (for RF64 `data`, the size from `ds64`). */
  size: number;
}

/** Everything {@link inspectWav} learned about a file from its header region. */
export interface WavInfo {
  container: WavContainer;
  /**
   * For input that is not RIFF at all: what it looks like, e.g. `mp3`, `ogg`, `flac`, `mp4`,
   * `html`, `xml`, `text`, `empty` or `binary`.
   */
  detected?: string;
  /** The RIFF form type, `WAVE` for a WAV file (`AVI `, `WEBP` for other RIFF files). */
  formType?: string;
  /** The size the RIFF header declares for everything after its first 8 bytes. */
  riffSize?: number;
  /** Total size of the file, when known (files, buffers, HTTP Content-Length or Content-Range). */
  fileSize?: number;
  format?: WavFormat;
  /** Byte offset of the first sample (the `data` chunk body). */
  dataOffset?: number;
  /** Size of the `data` body as declared by the header. */
  dataSize?: number;
  /**
   * Playing time. For frame-based formats (PCM, float, A-law, µ-law, EXTENSIBLE) it counts the
   * whole frames present; when the file is shorter than the declared data, only the bytes present.
   */
  durationSeconds?: number;
  /** Every chunk found, in file order. */
  chunks: WavChunk[];
  /**
   * False when the walk stopped before the end of the file: a stream or an HTTP head is read only
   * until `fmt ` and `data` are found, so chunks after `data` are not listed. inspectWav always
   * sets it; a hand-made WavInfo without it counts as complete.
   */
  complete?: boolean;
  /** How many bytes of the source the walk read (always set by inspectWav). */
  bytesRead?: number;
  /** Structural problems found by the walk; {@link checkPlayable} adds the format rules. */
  problems: WavProblem[];
}

/** Format tags this package names in messages. */
export const FORMAT_TAG_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: 'PCM',
  2: 'Microsoft ADPCM',
  3: 'IEEE float',
  6: 'A-law',
  7: 'µ-law',
  17: 'IMA ADPCM',
  34: 'TrueSpeech',
  49: 'GSM 6.10',
  64: 'G.721 ADPCM',
  80: 'MPEG',
  85: 'MPEG Layer 3',
  100: 'G.726 ADPCM',
  255: 'AAC',
  353: 'Windows Media Audio',
  65534: 'WAVE_FORMAT_EXTENSIBLE',
});

/** Names a format tag, e.g. `PCM` or `tag 0x0161`. */
export function describeFormatTag(tag: number): string {
  return FORMAT_TAG_NAMES[tag] ?? `tag 0x${tag.toString(16).padStart(4, '0')}`;
}

/**
 * One-phrase summary of a format, as the CLI prints it.
 *
 * @example
 * describeFormat(info.format) // '8000 Hz mono 16-bit PCM'
 */
export function describeFormat(format: WavFormat): string {
  const channels =
    format.channels === 1
      ? 'mono'
      : format.channels === 2
        ? 'stereo'
        : `${format.channels}-channel`;
  const tag =
    format.tag === 0xfffe
      ? `${format.subformat === undefined ? 'unknown subformat' : describeFormatTag(format.subformat)} (EXTENSIBLE)`
      : describeFormatTag(format.tag);
  return `${format.sampleRate} Hz ${channels} ${format.bitsPerSample}-bit ${tag}`;
}
