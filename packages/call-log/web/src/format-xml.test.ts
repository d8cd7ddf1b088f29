import { describe, expect, it } from 'vitest';
import { formatXml } from './format-xml.js';

const text = (line: { depth: number; tokens: { text: string }[] }) =>
  `${'  '.repeat(line.depth)}${line.tokens.map((token) => token.text).join('')}`;

describe('formatXml', () => {
  it('puts one element on a line, indented, and keeps text elements whole', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Response onHangup="http://h/hangup"><Gather onData="http://h/dtmf" maxDigits="1"><Play><Url>http://h/a.wav</Url></Play></Gather><Hangup/></Response>';
    expect(formatXml(xml).map(text)).toEqual([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<Response onHangup="http://h/hangup">',
      '  <Gather onData="http://h/dtmf" maxDigits="1">',
      '    <Play>',
      '      <Url>http://h/a.wav</Url>',
      '    </Play>',
      '  </Gather>',
      '  <Hangup/>',
      '</Response>',
    ]);
  });

  it('tells tags, attributes and values apart, and passes markup through as text', () => {
    const [line] = formatXml('<Dial callerId="4930">');
    expect(line?.tokens).toEqual([
      { kind: 'punctuation', text: '<' },
      { kind: 'tag', text: 'Dial' },
      { kind: 'text', text: ' ' },
      { kind: 'attribute', text: 'callerId' },
      { kind: 'punctuation', text: '=' },
      { kind: 'value', text: '"4930"' },
      { kind: 'punctuation', text: '>' },
    ]);
    const hostile = formatXml('<Url>&lt;script&gt;alert(1)&lt;/script&gt;</Url>');
    expect(hostile[0]?.tokens[3]).toEqual({
      kind: 'text',
      text: '&lt;script&gt;alert(1)&lt;/script&gt;',
    });
  });
});
