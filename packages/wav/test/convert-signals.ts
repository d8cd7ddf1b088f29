// Test helpers for the converter: signal generators, a WAV encoder for every input layout, G.711
// encoders, and spectrum measurements (Goertzel, FFT band power). Independent of src/ on purpose:
// the tests judge the converter with code that does not share its assumptions.

/** A sine (or silence for frequency 0), with raised-cosine fades so onsets do not splatter. */
export function tone(
  frequency: number,
  rate: number,
  seconds: number,
  amplitude = 0.5,
  fadeSeconds = 0.02,
): Float64Array {
  const length = Math.round(rate * seconds);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++)
    out[i] =
      amplitude *
      Math.sin((2 * Math.PI * frequency * i) / rate) *
      fade(i, length, rate * fadeSeconds);
  return out;
}

/** A linear sweep from `from` to `to` Hz, faded in and out. */
export function sweep(
  from: number,
  to: number,
  rate: number,
  seconds: number,
  amplitude = 0.5,
  fadeSeconds = 0.02,
): Float64Array {
  const length = Math.round(rate * seconds);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const t = i / rate;
    const phase = 2 * Math.PI * (from * t + ((to - from) * t * t) / (2 * seconds));
    out[i] = amplitude * Math.sin(phase) * fade(i, length, rate * fadeSeconds);
  }
  return out;
}

function fade(i: number, length: number, fadeLength: number): number {
  if (fadeLength <= 0) return 1;
  const edge = Math.min(i, length - 1 - i);
  return edge >= fadeLength ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * edge) / fadeLength);
}

/** Input layouts the converter must accept. */
export type TestEncoding =
  | 'uint8'
  | 'int16'
  | 'int24'
  | 'int32'
  | 'float32'
  | 'float64'
  | 'alaw'
  | 'mulaw';

const TAGS: Record<TestEncoding, number> = {
  uint8: 1,
  int16: 1,
  int24: 1,
  int32: 1,
  float32: 3,
  float64: 3,
  alaw: 6,
  mulaw: 7,
};
const WIDTHS: Record<TestEncoding, number> = {
  uint8: 1,
  int16: 2,
  int24: 3,
  int32: 4,
  float32: 4,
  float64: 8,
  alaw: 1,
  mulaw: 1,
};

/** Options for {@link encodeTestWav}: an EXTENSIBLE `fmt `, and extra chunks before/after `fmt `. */
export interface TestWavOptions {
  extensible?: boolean;
  /** Chunks written between `fmt ` and `data` (e.g. LIST, odd-sized with pad byte). */
  extraChunks?: { id: string; body: Uint8Array }[];
}

/** Encodes channels (floats ±1) as a RIFF/WAVE file in the given sample encoding. */
export function encodeTestWav(
  channels: Float64Array[],
  rate: number,
  encoding: TestEncoding,
  options: TestWavOptions = {},
): Uint8Array {
  const count = channels.length;
  const frames = channels[0]!.length;
  const width = WIDTHS[encoding];
  const blockAlign = width * count;
  const data = new Uint8Array(frames * blockAlign);
  const view = new DataView(data.buffer);
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < count; c++) {
      const at = i * blockAlign + c * width;
      const x = channels[c]![i]!;
      switch (encoding) {
        case 'uint8':
          view.setUint8(at, clampInt(Math.round(x * 128) + 128, 0, 255));
          break;
        case 'int16':
          view.setInt16(at, clampInt(Math.round(x * 32768), -32768, 32767), true);
          break;
        case 'int24': {
          const v = clampInt(Math.round(x * 8388608), -8388608, 8388607);
          view.setUint8(at, v & 0xff);
          view.setUint8(at + 1, (v >> 8) & 0xff);
          view.setUint8(at + 2, (v >> 16) & 0xff);
          break;
        }
        case 'int32':
          view.setInt32(at, clampInt(Math.round(x * 2147483648), -2147483648, 2147483647), true);
          break;
        case 'float32':
          view.setFloat32(at, x, true);
          break;
        case 'float64':
          view.setFloat64(at, x, true);
          break;
        case 'alaw':
          view.setUint8(at, linearToAlaw(clampInt(Math.round(x * 32768), -32768, 32767)));
          break;
        case 'mulaw':
          view.setUint8(at, linearToMulaw(clampInt(Math.round(x * 32768), -32768, 32767)));
          break;
      }
    }
  }
  const tag = TAGS[encoding];
  const fmt = new Uint8Array(options.extensible ? 40 : tag === 1 ? 16 : 18);
  const fmtView = new DataView(fmt.buffer);
  fmtView.setUint16(0, options.extensible ? 0xfffe : tag, true);
  fmtView.setUint16(2, count, true);
  fmtView.setUint32(4, rate, true);
  fmtView.setUint32(8, rate * blockAlign, true);
  fmtView.setUint16(12, blockAlign, true);
  fmtView.setUint16(14, width * 8, true);
  if (fmt.length >= 18) fmtView.setUint16(16, fmt.length - 18, true);
  if (options.extensible) {
    fmtView.setUint16(18, width * 8, true); // valid bits
    fmtView.setUint32(20, count === 1 ? 0x4 : count === 2 ? 0x3 : 0, true); // channel mask
    // SubFormat GUID: tag, then 00000000-0010-8000-00AA00389B71.
    fmtView.setUint32(24, tag, true);
    fmt.set([0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 28);
  }
  const chunks: { id: string; body: Uint8Array }[] = [{ id: 'fmt ', body: fmt }];
  if (tag !== 1 || options.extensible) {
    const fact = new Uint8Array(4);
    new DataView(fact.buffer).setUint32(0, frames, true);
    chunks.push({ id: 'fact', body: fact });
  }
  chunks.push(...(options.extraChunks ?? []), { id: 'data', body: data });
  return riff(chunks);
}

/** Wraps chunks in a RIFF/WAVE container, padding odd-sized chunks as RIFF requires. */
export function riff(chunks: { id: string; body: Uint8Array }[]): Uint8Array {
  const size =
    4 + chunks.reduce((sum, chunk) => sum + 8 + chunk.body.length + (chunk.body.length % 2), 0);
  const out = new Uint8Array(8 + size);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, size, true);
  ascii(8, 'WAVE');
  let at = 12;
  for (const chunk of chunks) {
    ascii(at, chunk.id);
    view.setUint32(at + 4, chunk.body.length, true);
    out.set(chunk.body, at + 8);
    at += 8 + chunk.body.length + (chunk.body.length % 2);
  }
  return out;
}

function clampInt(value: number, min: number, max: number): number {
  return value < min ? min : Math.min(value, max);
}

/** G.711 A-law compression of a 16-bit sample (reference g711.c). */
export function linearToAlaw(sample: number): number {
  const ends = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];
  let pcm = sample >> 3;
  let mask: number;
  if (pcm >= 0) mask = 0xd5;
  else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  const segment = ends.findIndex((end) => pcm <= end);
  if (segment === -1) return 0x7f ^ mask;
  const value = (segment << 4) | (segment < 2 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f);
  return value ^ mask;
}

/** G.711 µ-law compression of a 16-bit sample (reference g711.c). */
export function linearToMulaw(sample: number): number {
  const ends = [0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff];
  let pcm = sample >> 2;
  let mask: number;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7f;
  } else mask = 0xff;
  if (pcm > 8159) pcm = 8159;
  pcm += 0x84 >> 2;
  const segment = ends.findIndex((end) => pcm <= end);
  if (segment === -1) return 0x7f ^ mask;
  return ((segment << 4) | ((pcm >> (segment + 1)) & 0x0f)) ^ mask;
}

/** The 16-bit samples of a canonical Play WAV (44-byte header), as floats ±1. */
export function playSamples(file: Uint8Array): Float64Array {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const count = (file.length - 44) / 2;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(44 + 2 * i, true) / 32768;
  return out;
}

/** 4-term Blackman-Harris window (sidelobes at −92 dB). */
export function blackmanHarris(length: number): Float64Array {
  const w = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const x = (2 * Math.PI * i) / (length - 1);
    w[i] = 0.35875 - 0.48829 * Math.cos(x) + 0.14128 * Math.cos(2 * x) - 0.01168 * Math.cos(3 * x);
  }
  return w;
}

/** Amplitude of the sine at `frequency` in samples[start, start+length), by windowed Goertzel. */
export function goertzelAmplitude(
  samples: Float64Array,
  rate: number,
  frequency: number,
  start: number,
  length: number,
): number {
  const window = blackmanHarris(length);
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / rate);
  let s1 = 0;
  let s2 = 0;
  let windowSum = 0;
  for (let i = 0; i < length; i++) {
    const s0 = samples[start + i]! * window[i]! + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
    windowSum += window[i]!;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / windowSum;
}

/** In-place radix-2 complex FFT. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k++) {
        const cos = Math.cos(step * k);
        const sin = Math.sin(step * k);
        const a = start + k;
        const b = a + size / 2;
        const tr = re[b]! * cos - im[b]! * sin;
        const ti = re[b]! * sin + im[b]! * cos;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/**
 * Mean power of samples[start, end) within [low, high] Hz, from Blackman-Harris windowed FFT
 * segments (Welch, half overlap), scaled so that a sine of amplitude A measures A²/2.
 */
export function bandPower(
  samples: Float64Array,
  rate: number,
  low: number,
  high: number,
  start: number,
  end: number,
  segment = 4096,
): number {
  const window = blackmanHarris(segment);
  let windowEnergy = 0;
  for (const w of window) windowEnergy += w * w;
  let total = 0;
  let segments = 0;
  for (let at = start; at + segment <= end; at += segment / 2) {
    const re = new Float64Array(segment);
    const im = new Float64Array(segment);
    for (let i = 0; i < segment; i++) re[i] = samples[at + i]! * window[i]!;
    fft(re, im);
    let power = 0;
    for (let k = 0; k <= segment / 2; k++) {
      const frequency = (k * rate) / segment;
      if (frequency < low || frequency > high) continue;
      const bin = (re[k]! ** 2 + im[k]! ** 2) / (segment * windowEnergy);
      power += k === 0 || k === segment / 2 ? bin : 2 * bin;
    }
    total += power;
    segments++;
  }
  if (segments === 0) throw new Error('bandPower: signal shorter than one segment');
  return total / segments;
}

/** Decibels of a power ratio. */
export function powerDb(ratio: number): number {
  return 10 * Math.log10(ratio);
}
