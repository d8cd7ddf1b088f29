import type { ErrorCode } from '@siphook/schema';
/** One problem found in an XML response: what, where (line:column and element path) and a code. */
export interface XmlProblem {
  /** Stable machine-readable code; an `XML_*` code of `ERROR_CODES`. */
  code: XmlProblemCode;
  /** The whole sentence: what was checked, what was expected and what was received. */
  message: string;
  /** 1-based line of the offending element, attribute or text. */
  line: number;
  /** 1-based column (in UTF-16 code units, as editors count) on that line. */
  column: number;
  /** Element path such as `/Response/Gather[1]/@maxDigits`; `/` for the document as a whole. */
  path: string;
}

/** Most problems listed for one document; a generated file can have thousands. */
export const MAX_LISTED_PROBLEMS = 100;

/**
 * A problem code: an `XML_*` code of `ERROR_CODES` in `@siphook/schema`. `XML_MALFORMED`,
 * `XML_DOCTYPE`, `XML_TOO_LARGE` and `XML_TOO_DEEP` stop the check at once; the others are
 * collected, all of them, in document order.
 */
export type XmlProblemCode = Extract<ErrorCode, `XML_${string}`>;

/** Finds the 1-based line and column of string offsets in one text. */
export type LineLocator = (offset: number) => { line: number; column: number };

/**
 * Indexes the line starts of `text` once, so that many problems are located in O(log n) each.
 * CRLF and a lone CR count as one line break, as XML parsers see them.
 */
export function createLineLocator(text: string): LineLocator {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (offset) => {
    const at = Math.max(0, Math.min(offset, text.length));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= at) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: at - starts[low]! + 1 };
  };
}
