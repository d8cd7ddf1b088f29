// Test helper: builds WAV files byte by byte, including the broken layouts real files come in.

/** A chunk to place in the file: the standard `fmt `/`data` by name, or any id with a body. */
export type ChunkSpec =
  | 'fmt'
  | 'data'
  | { id: string; body: Uint8Array | number; declaredSize?: number; pad?: boolean };

/** Everything a generated WAV file can vary in. Defaults make a valid 8 kHz mono 16-bit file. */
export interface WavSpec {
  container?: 'RIFF' | 'RIFX' | 'RF64';
  formType?: string;
  tag?: number;
  channels?: number;
  sampleRate?: number;
  bitsPerSample?: number;
  /** Defaults to channels × bytes per sample. */
  blockAlign?: number;
  /** Defaults to sampleRate × blockAlign. */
  byteRate?: number;
  /** Writes a 40-byte WAVE_FORMAT_EXTENSIBLE fmt with this subformat tag (1 PCM, 3 float). */
  extensible?: {
    subformat: number;
    validBitsPerSample?: number;
    channelMask?: number;
    guidTail?: number[];
  };
  /** Overrides the fmt body size (e.g. 14 for a broken fmt; 18 adds cbSize = 0). */
  fmtSize?: number;
  /** Number of frames of audio; the data body is a sawtooth pattern. Default 800 (0.1 s). */
  frames?: number;
  /** Exact data body, instead of `frames`. */
  data?: Uint8Array;
  /** Declared data size in the header, when it should lie (e.g. 0xFFFFFFFF). */
  dataSize?: number;
  /** Declared RIFF size, when it should lie. */
  riffSize?: number;
  /** Chunk order and extras; default `['fmt', 'data']`. */
  chunks?: ChunkSpec[];
  /** Cut the finished file to this many bytes. */
  truncateTo?: number;
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** Builds the bytes of a WAV file from a spec. */
export function buildWav(spec: WavSpec = {}): Uint8Array {
  const container = spec.container ?? 'RIFF';
  const le = container !== 'RIFX';
  const channels = spec.channels ?? 1;
  const sampleRate = spec.sampleRate ?? 8000;
  const bits = spec.bitsPerSample ?? 16;
  const blockAlign = spec.blockAlign ?? channels * Math.ceil(bits / 8);
  const byteRate = spec.byteRate ?? sampleRate * blockAlign;
  const tag = spec.extensible ? 0xfffe : (spec.tag ?? 1);

  const fmtLength = spec.fmtSize ?? (spec.extensible ? 40 : 16);
  const fmt = new Uint8Array(Math.max(fmtLength, 0));
  const fv = new DataView(fmt.buffer);
  const put16 = (at: number, value: number) => at + 2 <= fmt.length && fv.setUint16(at, value, le);
  const put32 = (at: number, value: number) => at + 4 <= fmt.length && fv.setUint32(at, value, le);
  put16(0, tag);
  put16(2, channels);
  put32(4, sampleRate);
  put32(8, byteRate);
  put16(12, blockAlign);
  put16(14, bits);
  if (spec.extensible) {
    put16(16, 22);
    put16(18, spec.extensible.validBitsPerSample ?? bits);
    put32(20, spec.extensible.channelMask ?? (channels === 1 ? 4 : 3));
    if (fmt.length >= 40) {
      fv.setUint16(24, spec.extensible.subformat, true);
      const tail = spec.extensible.guidTail ?? [
        0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71,
      ];
      fmt.set(tail, 26);
    }
  }

  const data = spec.data ?? sawtooth((spec.frames ?? 800) * blockAlign);
  const order = spec.chunks ?? ['fmt', 'data'];
  const parts: Uint8Array[] = [];
  const header = (id: string, size: number) => {
    const bytes = new Uint8Array(8);
    bytes.set(ascii(id), 0);
    new DataView(bytes.buffer).setUint32(4, size, le);
    return bytes;
  };
  const addChunk = (id: string, body: Uint8Array, declared: number, pad = true) => {
    parts.push(header(id, declared), body);
    if (pad && body.length % 2 === 1) parts.push(new Uint8Array(1));
  };
  if (container === 'RF64') {
    const ds64 = new Uint8Array(28);
    const dv = new DataView(ds64.buffer);
    // riff size and data size filled once known, below
    parts.push(header('ds64', 28), ds64);
    const total = 12 + 36 + (order.includes('fmt') ? 8 + fmt.length : 0) + 8 + data.length;
    dv.setUint32(0, total - 8, true);
    dv.setUint32(8, data.length, true);
    dv.setUint32(16, data.length / blockAlign, true);
  }
  for (const chunk of order) {
    if (chunk === 'fmt') addChunk('fmt ', fmt, fmt.length);
    else if (chunk === 'data') {
      const declared = container === 'RF64' ? 0xffffffff : (spec.dataSize ?? data.length);
      addChunk('data', data, declared);
    } else {
      const body = typeof chunk.body === 'number' ? sawtooth(chunk.body) : chunk.body;
      addChunk(chunk.id, body, chunk.declaredSize ?? body.length, chunk.pad ?? true);
    }
  }
  const bodyLength = parts.reduce((sum, part) => sum + part.length, 0);
  const riff = new Uint8Array(12);
  riff.set(ascii(container), 0);
  const riffSize = container === 'RF64' ? 0xffffffff : (spec.riffSize ?? bodyLength + 4);
  new DataView(riff.buffer).setUint32(4, riffSize, le);
  riff.set(ascii(spec.formType ?? 'WAVE'), 8);
  const file = concat([riff, ...parts]);
  return spec.truncateTo === undefined ? file : file.subarray(0, spec.truncateTo);
}

/** Non-RIFF file starts, as real mistaken uploads begin. */
export const NOT_WAV: Record<string, Uint8Array> = {
  'mp3 (ID3)': concat([ascii('ID3'), Uint8Array.of(4, 0, 0, 0, 0, 0, 0x23), sawtooth(200)]),
  'mp3 (frame sync)': concat([Uint8Array.of(0xff, 0xfb, 0x90, 0x64), sawtooth(400)]),
  ogg: concat([ascii('OggS'), Uint8Array.of(0, 2, 0, 0, 0, 0, 0, 0, 0, 0), sawtooth(100)]),
  flac: concat([ascii('fLaC'), Uint8Array.of(0, 0, 0, 0x22), sawtooth(100)]),
  mp4: concat([Uint8Array.of(0, 0, 0, 0x20), ascii('ftypM4A '), sawtooth(100)]),
  html: ascii(
    '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not Found</body></html>\n',
  ),
  text: ascii('This is not audio, just a note someone saved as prompt.wav.\n'),
  empty: new Uint8Array(0),
};

/** Deterministic non-silent bytes. */
export function sawtooth(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 37) & 0xff;
  return bytes;
}

/** Joins byte arrays into one. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
