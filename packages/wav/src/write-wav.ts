/**
 * The canonical Play WAV: a 44-byte header (RIFF, `fmt ` of 16 bytes, `data`) in front of
 * 16-bit little-endian mono PCM at 8000 Hz, and no other chunk.
 */
import { PLAY_FORMAT } from './check-playable.js';

/** Size of the canonical header; the data starts right after it. */
export const CANONICAL_HEADER_BYTES = 44;
/** Largest data size a RIFF header can declare with this header (its size fields are 32-bit). */
export const MAX_CANONICAL_DATA_BYTES = 0xffffffff - (CANONICAL_HEADER_BYTES - 8) - 1;

/** What a PCM header states about the samples that follow it. */
export interface PcmHeaderFormat {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
}

/**
 * Builds a 44-byte header (RIFF, `fmt ` of 16 bytes, `data`) for `dataBytes` bytes of integer PCM
 * in `format`. {@link encodeCanonicalHeader} is this with the Play format; other formats are for
 * intermediate files, such as speech at an engine's own rate before it is converted.
 *
 * @example
 * encodePcmHeader(44100, { channels: 1, sampleRate: 22050, bitsPerSample: 16 }).length // 44
 */
export function encodePcmHeader(dataBytes: number, format: PcmHeaderFormat): Uint8Array {
  const blockAlign = format.channels * Math.ceil(format.bitsPerSample / 8);
  if (
    !Number.isInteger(dataBytes) ||
    dataBytes < 0 ||
    dataBytes % blockAlign !== 0 ||
    dataBytes > MAX_CANONICAL_DATA_BYTES
  )
    throw new RangeError(
      `data size must be whole ${blockAlign}-byte frames, up to ${MAX_CANONICAL_DATA_BYTES} bytes; received ${dataBytes}`,
    );
  const header = new Uint8Array(CANONICAL_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) header[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, CANONICAL_HEADER_BYTES - 8 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, PLAY_FORMAT.tag, true);
  view.setUint16(22, format.channels, true);
  view.setUint32(24, format.sampleRate, true);
  view.setUint32(28, format.sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, format.bitsPerSample, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}

/**
 * Builds the 44-byte header for `dataBytes` bytes of Play-format samples. An odd `dataBytes`
 * cannot hold whole 16-bit frames and is refused.
 *
 * @example
 * encodeCanonicalHeader(16000).length // 44 (one second of audio follows)
 */
export function encodeCanonicalHeader(dataBytes: number): Uint8Array {
  return encodePcmHeader(dataBytes, PLAY_FORMAT);
}
