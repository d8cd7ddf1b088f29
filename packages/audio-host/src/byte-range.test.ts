import { describe, expect, it } from 'vitest';
import { parseByteRange } from './byte-range.js';

describe('parseByteRange', () => {
  it.each([
    ['bytes=0-0', { kind: 'partial', start: 0, end: 0 }],
    ['bytes=99-99', { kind: 'partial', start: 99, end: 99 }],
    ['bytes=-1', { kind: 'partial', start: 99, end: 99 }],
    ['bytes=-500', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=50-', { kind: 'partial', start: 50, end: 99 }],
    ['bytes=50-1000', { kind: 'partial', start: 50, end: 99 }],
    ['BYTES = 1 - 2', { kind: 'full' }],
    ['bytes= 1 - 2', { kind: 'partial', start: 1, end: 2 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-4', { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
    ['bytes=x-1', { kind: 'full' }],
    ['pages=1-2', { kind: 'full' }],
  ] as const)('%s of 100 bytes', (header, expected) => {
    expect(parseByteRange(header, 100)).toEqual(expected);
  });

  it('treats a missing header as the whole resource', () => {
    expect(parseByteRange(undefined, 100)).toEqual({ kind: 'full' });
  });
});
