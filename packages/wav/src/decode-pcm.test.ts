import { describe, expect, it } from 'vitest';
import {
  encodeTestWav,
  linearToAlaw,
  linearToMulaw,
  type TestEncoding,
} from '../test/convert-signals.js';
import { createMonoDecoder, decodeToMono, type PcmLayout, pcmLayoutOf } from './decode-pcm.js';

/** The layout and data bytes of a WAV made by the test encoder (plain `fmt `, data at the end). */
function split(
  bytes: Uint8Array,
  channels: number,
  encoding: TestEncoding,
): { layout: PcmLayout; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = {
    tag: view.getUint16(20, true),
    channels: view.getUint16(22, true),
    sampleRate: view.getUint32(24, true),
    blockAlign: view.getUint16(32, true),
    bitsPerSample: view.getUint16(34, true),
  };
  expect(format.channels).toBe(channels);
  const layout = pcmLayoutOf(format);
  expect(layout.encoding).toBe(encoding);
  const dataBytes = layout.blockAlign * FRAMES;
  return { layout, data: bytes.subarray(bytes.length - dataBytes) };
}

const FRAMES = 6;
const VALUES = [0, 0.5, -0.5, 0.25, -1, 0.9990234375];

describe('decodeToMono', () => {
  for (const encoding of [
    'uint8',
    'int16',
    'int24',
    'int32',
    'float32',
    'float64',
  ] as TestEncoding[]) {
    it(`${encoding}: decodes exact values and averages channels, aligned or not`, () => {
      const left = Float64Array.from(VALUES);
      const right = Float64Array.from(VALUES, (x) => -x / 2);
      const { layout, data } = split(encodeTestWav([left, right], 8000, encoding), 2, encoding);
      const out = new Float32Array(FRAMES);
      decodeToMono(data, FRAMES, layout, out);
      // uint8 resolves 1/128, so only its coarse values are exact.
      const expected = VALUES.map((x) =>
        encoding === 'uint8' ? Math.round(x * 128) / 128 / 4 : x / 4,
      );
      for (let i = 0; i < FRAMES; i++)
        expect(out[i]).toBeCloseTo(expected[i]!, encoding === 'uint8' ? 2 : 6);
      // The same bytes one byte off alignment take the DataView path and give the same result.
      const shifted = new Uint8Array(data.length + 1).subarray(1);
      shifted.set(data);
      const outShifted = new Float32Array(FRAMES);
      decodeToMono(shifted, FRAMES, layout, outShifted);
      expect(outShifted).toEqual(out);
    });
  }

  it('G.711 (through wavefile): reference code points decode to the reference values', async () => {
    const alaw = pcmLayoutOf({
      tag: 6,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 8,
      blockAlign: 1,
    });
    const mulaw = pcmLayoutOf({
      tag: 7,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 8,
      blockAlign: 1,
    });
    const out = new Float32Array(4);
    (await createMonoDecoder(alaw))(Uint8Array.from([0xd5, 0x55, 0xaa, 0x2a]), 4, out);
    expect(Array.from(out, (x) => x * 32768)).toEqual([8, -8, 32256, -32256]);
    (await createMonoDecoder(mulaw))(Uint8Array.from([0xff, 0x7f, 0x80, 0x00]), 4, out);
    expect(Array.from(out, (x) => x * 32768)).toEqual([0, 0, 32124, -32124]);
  });

  it('G.711 (through wavefile): encode then decode round-trips within the segment step', async () => {
    const alaw = pcmLayoutOf({
      tag: 6,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 8,
      blockAlign: 1,
    });
    const mulaw = pcmLayoutOf({
      tag: 7,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 8,
      blockAlign: 1,
    });
    const samples = [-30000, -1000, -37, 0, 5, 200, 4000, 31000];
    const out = new Float32Array(samples.length);
    (await createMonoDecoder(alaw))(Uint8Array.from(samples, linearToAlaw), samples.length, out);
    for (const [i, x] of out.entries())
      expect(Math.abs(x * 32768 - samples[i]!)).toBeLessThanOrEqual(
        Math.max(16, Math.abs(samples[i]!) / 16),
      );
    (await createMonoDecoder(mulaw))(Uint8Array.from(samples, linearToMulaw), samples.length, out);
    for (const [i, x] of out.entries())
      expect(Math.abs(x * 32768 - samples[i]!)).toBeLessThanOrEqual(
        Math.max(16, Math.abs(samples[i]!) / 16),
      );
  });
});

describe('pcmLayoutOf', () => {
  it('reads EXTENSIBLE subformats', () => {
    expect(
      pcmLayoutOf({
        tag: 0xfffe,
        subformat: 3,
        channels: 2,
        sampleRate: 48000,
        bitsPerSample: 32,
        blockAlign: 8,
      }).encoding,
    ).toBe('float32');
    expect(
      pcmLayoutOf({
        tag: 0xfffe,
        subformat: 1,
        channels: 1,
        sampleRate: 48000,
        bitsPerSample: 20,
        blockAlign: 3,
      }).encoding,
    ).toBe('int24');
  });

  it('refuses what it cannot decode, naming the field', () => {
    expect(() =>
      pcmLayoutOf({ tag: 2, channels: 1, sampleRate: 8000, bitsPerSample: 4, blockAlign: 256 }),
    ).toThrow(
      'WAV format tag is 0x0002; the converter decodes PCM (1), IEEE float (3), A-law (6), µ-law (7) or mono IMA ADPCM (0x11), plain or EXTENSIBLE',
    );
    expect(() =>
      pcmLayoutOf({ tag: 1, channels: 2, sampleRate: 8000, bitsPerSample: 16, blockAlign: 3 }),
    ).toThrow(/blockAlign/);
    expect(() =>
      pcmLayoutOf({ tag: 3, channels: 1, sampleRate: 8000, bitsPerSample: 16, blockAlign: 2 }),
    ).toThrow(/sample width/);
    expect(() =>
      pcmLayoutOf({ tag: 1, channels: 0, sampleRate: 8000, bitsPerSample: 16, blockAlign: 2 }),
    ).toThrow(/channel count/);
    // Mono 16-bit in 4-byte frames: read by blockAlign alone it would decode as int32.
    expect(() =>
      pcmLayoutOf({ tag: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16, blockAlign: 4 }),
    ).toThrow('WAV blockAlign is 4; the converter decodes 2 (1 channels × 16 bits)');
  });
});

describe('decodeToMono from unaligned bytes', () => {
  it('mixes int16 the same whether the bytes are aligned or not (1, 2 and 5 channels)', () => {
    let seed = 3;
    for (const channels of [1, 2, 5]) {
      const frames = 20_000;
      const raw = new Uint8Array(frames * channels * 2 + 1);
      for (let i = 0; i < raw.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        raw[i] = seed >>> 24;
      }
      const layout = pcmLayoutOf({
        tag: 1,
        channels,
        sampleRate: 44100,
        bitsPerSample: 16,
        blockAlign: 2 * channels,
      });
      // The same frames at an even and an odd byte offset: typed-array reads, then DataView reads.
      const aligned = new Uint8Array(frames * channels * 2);
      aligned.set(raw.subarray(1));
      const fromAligned = new Float32Array(frames);
      const fromOdd = new Float32Array(frames);
      decodeToMono(aligned, frames, layout, fromAligned);
      decodeToMono(raw.subarray(1), frames, layout, fromOdd);
      expect(raw.subarray(1).byteOffset % 2).toBe(1);
      const mismatch = fromAligned.findIndex((value, i) => !Object.is(value, fromOdd[i]));
      expect(mismatch, `${channels} channels`).toBe(-1);
      const view = new DataView(aligned.buffer);
      let sum = 0;
      for (let c = 0; c < channels; c++)
        sum += view.getInt16((frames - 1) * channels * 2 + c * 2, true);
      expect(fromAligned[frames - 1]).toBe(Math.fround(sum * (1 / 32768 / channels)));
    }
  });
});
