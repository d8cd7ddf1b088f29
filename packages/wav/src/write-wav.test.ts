import { describe, expect, it } from 'vitest';
import { checkPlayable } from './check-playable.js';
import { inspectWavBytes } from './inspect-wav.js';
import { encodeCanonicalHeader } from './write-wav.js';

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
