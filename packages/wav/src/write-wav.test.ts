import { describe, expect, it } from 'vitest';
import { checkPlayable } from './check-playable.js';
import { inspectWavBytes } from './inspect-wav.js';
import { encodeCanonicalHeader, encodePcmHeader } from './write-wav.js';

describe('encodeCanonicalHeader', () => {
  it('writes the 44-byte Play header, byte for byte', () => {
    const header = encodeCanonicalHeader(16000);
    expect(Buffer.from(header).toString('hex')).toBe(
      '52494646' +
        'a43e0000' +
        '57415645' +
        '666d7420' +
        '10000000' +
        '0100' +
        '0100' +
        '401f0000' +
        '803e0000' +
        '0200' +
        '1000' +
        '64617461' +
        '803e0000',
    );
  });

  it('passes checkPlayable with its data', () => {
    const file = new Uint8Array(44 + 200);
    file.set(encodeCanonicalHeader(200));
    const info = inspectWavBytes(file);
    expect(checkPlayable(info)).toEqual({ ok: true, problems: [] });
    expect(info.dataOffset).toBe(44);
  });

  it('refuses sizes that are not whole 16-bit frames or do not fit a RIFF header', () => {
    expect(() => encodeCanonicalHeader(3)).toThrow(RangeError);
    expect(() => encodeCanonicalHeader(2 ** 32)).toThrow(RangeError);
    expect(() => encodeCanonicalHeader(-2)).toThrow(RangeError);
  });
});

describe('encodePcmHeader', () => {
  it('describes another rate and layout, which inspectWav reads back', () => {
    const file = new Uint8Array(44 + 4410 * 4);
    file.set(encodePcmHeader(4410 * 4, { channels: 2, sampleRate: 22050, bitsPerSample: 16 }));
    const info = inspectWavBytes(file);
    expect(info.format).toMatchObject({
      tag: 1,
      channels: 2,
      sampleRate: 22050,
      bitsPerSample: 16,
      blockAlign: 4,
      byteRate: 88200,
    });
    expect(info.durationSeconds).toBe(0.2);
    expect(() => encodePcmHeader(6, { channels: 2, sampleRate: 22050, bitsPerSample: 16 })).toThrow(
      RangeError,
    );
  });
});
