import { SiphookError } from '@siphook/schema';

/** Characters that need a reference, and every code unit that might be one XML 1.0 forbids. */
const NEEDS_WORK = /[&<>"'\u0000-\u001f\ud800-\udfff\ufffe\uffff]/;
/**
 * A code point XML 1.0 does not allow at all, not even as a character reference: C0 controls
 * other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF (XML 1.0 §2.2 `Char`).
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;
const REPLACEMENT = '\ufffd';

function notXmlCharacter(value: string): SiphookError {
  const invalid = NOT_XML_CHAR.exec(value)!;
  const codePoint = invalid[0].codePointAt(0)!;
  const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
  return new SiphookError(
    'XML_CHARACTER',
    `character U+${hex} at index ${invalid.index} cannot appear in XML 1.0 (not even escaped)`,
    { index: invalid.index, codePoint },
  );
}

/** Where {@link escapeXml} callers differ. */
export interface EscapeXmlOptions {
  /**
   * `'attribute'` (default): tab, LF and CR become character references, so that they survive
   * attribute-value normalisation; safe in text too. `'text'`: tab and LF are written as they are,
   * for element content that people read (a report); CR still becomes `&#13;`, since parsers turn
   * a raw CR into LF.
   */
  context?: 'attribute' | 'text';
  /**
   * A character XML 1.0 cannot carry at all: `'throw'` (default) refuses it, since dropping it
   * would change a URL behind the caller's back; `'replace'` writes U+FFFD instead, for output
   * that quotes arbitrary text, such as a JUnit report quoting a server's answer.
   */
  invalid?: 'throw' | 'replace';
}

/**
 * The one XML escaper of siphook. Escapes a string for XML 1.0 text or a double- or
 * single-quoted attribute value: `& < > " '` become entity references, and (in an attribute)
 * tab/LF/CR become character references. Strings without any of these are returned as they are.
 *
 * A character that XML 1.0 forbids outright (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
 * U+FFFE, U+FFFF, a lone surrogate) cannot be written in any form: it is refused, or replaced
 * with U+FFFD when `invalid: 'replace'` says so.
 *
 * @throws {SiphookError} `XML_CHARACTER` with `details.index` and `details.codePoint`.
 * @example
 * escapeXml('http://example.com/?a=1&b="2"') // 'http://example.com/?a=1&amp;b=&quot;2&quot;'
 * escapeXml('line 1\nline 2 \u0000', { context: 'text', invalid: 'replace' }) // 'line 1\nline 2 \uFFFD'
 */
export function escapeXml(value: string, options: EscapeXmlOptions = {}): string {
  // The regex engine finds the first code unit worth a look fastest; from there one pass over
  // the code units escapes and checks (cheaper than replace() with a callback).
  const first = value.search(NEEDS_WORK);
  if (first < 0) return value;
  const text = options.context === 'text';
  const replace = options.invalid === 'replace';
  let out = '';
  let last = 0;
  for (let i = first; i < value.length; i++) {
    const code = value.charCodeAt(i);
    let reference: string;
    if (code > 0x3e) {
      if (code < 0xd800) continue;
      if (code <= 0xdbff) {
        const next = value.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
      } else if (code > 0xdfff && code < 0xfffe) continue;
      if (!replace) throw notXmlCharacter(value);
      reference = REPLACEMENT;
    } else {
      switch (code) {
        case 0x26:
          reference = '&amp;';
          break;
        case 0x3c:
          reference = '&lt;';
          break;
        case 0x3e:
          reference = '&gt;';
          break;
        case 0x22:
          reference = '&quot;';
          break;
        case 0x27:
          reference = '&apos;';
          break;
        // Parsers turn raw tab/LF/CR in attributes into spaces and CR in text into LF.
        case 0x09:
          if (text) continue;
          reference = '&#9;';
          break;
        case 0x0a:
          if (text) continue;
          reference = '&#10;';
          break;
        case 0x0d:
          reference = '&#13;';
          break;
        default:
          if (code >= 0x20) continue;
          if (!replace) throw notXmlCharacter(value);
          reference = REPLACEMENT;
      }
    }
    out += value.slice(last, i) + reference;
    last = i + 1;
  }
  return out + value.slice(last);
}

/** True when every character of `value` may appear in an XML 1.0 document (escaped or not). */
export function isXmlText(value: string): boolean {
  return !NOT_XML_CHAR.test(value);
}
