/** The outcome of reading a `Range` header against a resource of known size. */
export type ByteRange =
  /** No usable range: serve the whole resource with 200 (absent, malformed, other unit, or several ranges). */
  | { kind: 'full' }
  /** One satisfiable range, inclusive on both ends, already clamped to the resource. */
  | { kind: 'partial'; start: number; end: number }
  /** A well-formed single range that selects nothing in the resource: answer 416. */
  | { kind: 'unsatisfiable' };

const FULL: ByteRange = { kind: 'full' };
const UNSATISFIABLE: ByteRange = { kind: 'unsatisfiable' };
const SINGLE_RANGE = /^bytes=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;

/**
 * Reads a `Range` header (RFC 9110 §14) for a resource of `size` bytes.
 *
 * Only one range is honoured. A header with several ranges is answered with the whole file (200),
 * which RFC 9110 allows and which every player handles; a malformed header or another unit is
 * ignored the same way. A range starting at or beyond the end, a suffix of zero bytes, or a last
 * position before the first is unsatisfiable (416). An end beyond the resource is clamped.
 *
 * @example
 * parseByteRange('bytes=-500', 48044) // { kind: 'partial', start: 47544, end: 48043 }
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) return FULL;
  const match = SINGLE_RANGE.exec(header);
  if (match === null) return FULL;
  const first = match[1]!;
  const last = match[2]!;
  if (first === '' && last === '') return FULL;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return UNSATISFIABLE;
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return UNSATISFIABLE;
  if (last === '') return { kind: 'partial', start, end: size - 1 };
  const end = Number(last);
  if (end < start) return UNSATISFIABLE;
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}
