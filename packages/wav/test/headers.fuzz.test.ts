// Fuzz target: WAV headers (issue 12, "Also"). A canonical Play header with a few samples is
// mutated (bytes flipped, size fields overwritten with edge values, chunks spliced in, cut short).
// Whatever the bytes, inspectWavBytes and checkPlayable return a verdict (never throw), every
// problem has a known code and a message, and only a file that keeps the Play format is playable.
// Fixed seed; SIPHOOK_FUZZ_RUNS sets the count.
import { isErrorCode } from '@siphook/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPlayable, encodeCanonicalHeader, inspectWavBytes } from '../src/index.js';

const RUNS = Number(process.env.SIPHOOK_FUZZ_RUNS ?? 200);

const SAMPLES = 64;
const canonical = (() => {
  const header = encodeCanonicalHeader(SAMPLES * 2);
  const file = new Uint8Array(header.length + SAMPLES * 2);
  file.set(header);
  for (let i = 0; i < SAMPLES; i++) file[header.length + 2 * i] = (i * 37) & 0xff;
  return file;
})();
const EDGE_U32 = [0, 1, 2, 15, 16, 18, 40, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
const CHUNKS = ['LIST', 'fact', 'data', 'fmt ', 'JUNK', '\u0000\u0001\u0002\u0003', 'RIFX', 'RF64'];

type Edit =
  | { kind: 'byte'; at: number; value: number }
  | { kind: 'u32'; at: number; value: number }
  | { kind: 'splice'; at: number; id: string; size: number }
  | { kind: 'cut'; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.nat({ max: 255 }) }),
  fc.record({
    kind: fc.constant('u32' as const),
    at: fc.nat({ max: 44 }),
    value: fc.constantFrom(...EDGE_U32),
  }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.constantFrom(12, 36, 44),
    id: fc.constantFrom(...CHUNKS),
    size: fc.constantFrom(0, 1, 3, 4, 0xffffffff),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);

function apply(bytes: Uint8Array, change: Edit): Uint8Array {
  const at = change.at % (bytes.length + 1);
  switch (change.kind) {
    case 'byte': {
      const copy = bytes.slice();
      if (at < copy.length) copy[at] = change.value;
      return copy;
    }
    case 'u32': {
      const copy = bytes.slice();
      if (at + 4 <= copy.length) new DataView(copy.buffer).setUint32(at, change.value, true);
      return copy;
    }
    case 'splice': {
      const chunk = new Uint8Array(8 + Math.min(change.size, 4));
      for (let i = 0; i < 4; i++) chunk[i] = change.id.charCodeAt(i) & 0xff;
      new DataView(chunk.buffer).setUint32(4, change.size, true);
      const out = new Uint8Array(bytes.length + chunk.length);
      out.set(bytes.subarray(0, at));
      out.set(chunk, at);
      out.set(bytes.subarray(at), at + chunk.length);
      return out;
    }
    case 'cut':
      return bytes.slice(0, at);
  }
}

describe('fuzz: WAV headers', () => {
  it('starts from a playable file', () => {
    expect(checkPlayable(inspectWavBytes(canonical)).ok).toBe(true);
  });

  it('gives a verdict with known, worded problems for any mutation', () => {
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 5 }), (edits) => {
        const bytes = edits.reduce(apply, canonical);
        const info = inspectWavBytes(bytes);
        const verdict = checkPlayable(info);
        for (const problem of [...info.problems, ...verdict.problems]) {
          expect(isErrorCode(problem.code), problem.code).toBe(true);
          expect(problem.message.length).toBeGreaterThan(0);
        }
        if (verdict.ok) {
          expect(info.format).toMatchObject({ sampleRate: 8000, channels: 1, bitsPerSample: 16 });
        }
      }),
      { seed: 44, numRuns: RUNS },
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (bytes) => {
        const info = inspectWavBytes(bytes);
        expect(checkPlayable(info).ok).toBe(false);
      }),
      { seed: 45, numRuns: RUNS },
    );
  });
});
