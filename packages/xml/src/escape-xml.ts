import { SiphookError } from '@siphook/schema';

/** Characters that need a reference, and every code unit that might be one XML 1.0 forbids. */
const NEEDS_WORK = /[&<>"'\u0000-\u001f\ud800-\udfff\ufffe\uffff]/;
/**
 * A code point XML 1.0 does not allow at all, not even as a character reference: C0 controls
 * other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF (XML 1.0 §2.2 `Char`).
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

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
  // The regex engine finds the first code unit worth a look fastest; from there one pass over
  // the code units escapes and checks (cheaper than replace() with a callback).
  const first = value.search(NEEDS_WORK);
  if (first < 0) return value;
  let out = '';
  let last = 0;
  for (let i = first; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0x3e) {
      if (code < 0xd800) continue;
      if (code <= 0xdbff) {
        const next = value.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          i++;
          continue;
        }
        throw notXmlCharacter(value);
      }
      if (code <= 0xdfff || code >= 0xfffe) throw notXmlCharacter(value);
      continue;
    }
    let reference: string;
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
        reference = '&#9;';
        break;
      case 0x0a:
        reference = '&#10;';
        break;
      case 0x0d:
        reference = '&#13;';
        break;
      default:
        if (code < 0x20) throw notXmlCharacter(value);
        continue;
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
