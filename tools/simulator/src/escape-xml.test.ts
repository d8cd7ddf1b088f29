import { describe, expect, it } from 'vitest';
import { escapeXml } from './escape-xml.js';

describe('escapeXml', () => {
  it('escapes the five special characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
  });

  it('replaces characters XML 1.0 cannot carry, keeps tab, newline and real surrogate pairs', () => {
    expect(escapeXml('a\u0000b\u001bc\td\ne\uffff')).toBe('a\ufffdb\ufffdc\td\ne\ufffd');
    expect(escapeXml('x\ud800y')).toBe('x\ufffdy');
    expect(escapeXml('😀')).toBe('😀');
  });
});
