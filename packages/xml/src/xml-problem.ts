/** One problem found in an XML response: what, where (line:column and element path) and a code. */
export interface XmlProblem {
  /** Stable machine-readable code; one of {@link XML_PROBLEM_CODES}. */
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

/**
 * Every problem code, with what it means. `XML_MALFORMED`, `XML_DOCTYPE`, `XML_TOO_LARGE` and
 * `XML_TOO_DEEP` stop the check at once; the others are collected, all of them, in document order.
 */
export const XML_PROBLEM_CODES = {
  XML_MALFORMED:
    'not well-formed XML, or bytes that do not match the encoding (reported by the parser, with its position)',
  XML_DOCTYPE: 'a DOCTYPE or entity declaration, refused before any expansion',
  XML_TOO_LARGE: 'the document is larger than maxBytes',
  XML_TOO_DEEP: 'elements are nested deeper than maxDepth',
  XML_ENCODING:
    'the XML declaration names an encoding other than UTF-8, ISO-8859-1 or US-ASCII, or contradicts a UTF-8 byte order mark',
  XML_ROOT: 'the root element is not <Response>, is missing, or there is more than one',
  XML_UNKNOWN_ELEMENT: 'an element that is not part of the sipgate.io response format',
  XML_UNEXPECTED_ELEMENT: 'a known element in a place where it is not allowed',
  XML_DUPLICATE: 'an element that may appear only once appears again',
  XML_UNKNOWN_ATTRIBUTE: 'an attribute the element does not have',
  XML_UNEXPECTED_TEXT: 'text inside an element that holds only elements',
  XML_MISSING: 'a required attribute or element is missing',
  XML_VALUE_INVALID: 'an attribute value or element text outside what the response model allows',
  XML_TOO_MANY_PROBLEMS: 'more than 100 problems: the first 100 are listed, then their count',
} as const;

/** Most problems listed for one document; a generated file can have thousands. */
export const MAX_LISTED_PROBLEMS = 100;

/** A problem code: a key of {@link XML_PROBLEM_CODES}. */
export type XmlProblemCode = keyof typeof XML_PROBLEM_CODES;

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
