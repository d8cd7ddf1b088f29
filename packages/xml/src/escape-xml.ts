import { SiphookError } from '@siphook/schema';

/** Characters that need a reference, plus every code unit that might be one XML 1.0 forbids. */
const NEEDS_WORK = /[&<>"'\u0000-\u001f\ud800-\udfff\ufffe\uffff]/;
/**
 * A code point XML 1.0 does not allow at all, not even as a character reference: C0 controls
 * other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF (XML 1.0 §2.2 `Char`).
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const REFERENCE = /[&<>"'\t\n\r]/g;
const REFERENCES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Parsers turn raw tab/LF/CR in attributes into spaces and CR in text into LF; references keep them.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};
const replaceReference = (char: string): string => REFERENCES[char]!;

/**
 * Escapes a string for XML 1.0 text or a double- or single-quoted attribute value: `& < > " '`
 * become entity references, tab/LF/CR become character references so they survive attribute
 * normalisation. Strings without any of these are returned as they are, without copying.
 *
 * A character that XML 1.0 forbids outright (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
 * U+FFFE, U+FFFF, a lone surrogate) cannot be written in any form, so it is rejected rather than
 * silently dropped: dropping it would change a URL behind the caller's back.
 *
 * @throws {SiphookError} `XML_CHARACTER` with `details.index` and `details.codePoint`.
 * @example
 * escapeXml('http://example.com/?a=1&b="2"') // 'http://example.com/?a=1&amp;b=&quot;2&quot;'
 */
export function escapeXml(value: string): string {
  if (!NEEDS_WORK.test(value)) return value;
  const invalid = NOT_XML_CHAR.exec(value);
  if (invalid !== null) {
    const codePoint = invalid[0].codePointAt(0)!;
    const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
    throw new SiphookError(
      'XML_CHARACTER',
      `character U+${hex} at index ${invalid.index} cannot appear in XML 1.0 (not even escaped)`,
      { index: invalid.index, codePoint },
    );
  }
  return value.replace(REFERENCE, replaceReference);
}

/** True when every character of `value` may appear in an XML 1.0 document (escaped or not). */
export function isXmlText(value: string): boolean {
  return !NOT_XML_CHAR.test(value);
}
