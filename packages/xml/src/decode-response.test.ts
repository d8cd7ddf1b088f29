import { isSiphookError } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import { checkResponse, decodeResponse } from './decode-response.js';
import type { XmlProblem } from './xml-problem.js';

const DECL = '<?xml version="1.0" encoding="UTF-8"?>';

function problemsOf(xml: string | Uint8Array, options = {}): XmlProblem[] {
  const result = checkResponse(xml, options);
  expect(result.valid).toBe(false);
  return result.problems;
}

describe('decodeResponse accepts', () => {
  const play = { actions: [{ action: 'Play', url: 'https://example.com/a.wav' }] };
  it.each([
    [
      'no XML declaration',
      '<Response><Play><Url>https://example.com/a.wav</Url></Play></Response>',
    ],
    [
      'a UTF-8 byte order mark',
      `\ufeff${DECL}<Response><Play><Url>https://example.com/a.wav</Url></Play></Response>`,
    ],
    [
      'comments everywhere',
      `<!-- a -->${DECL.slice(0, 0)}<Response><!-- b --><Play><!-- c --><Url>https://example.com/<!-- d -->a.wav</Url></Play></Response><!-- e -->`,
    ],
    ['CDATA', '<Response><Play><Url><![CDATA[https://example.com/a.wav]]></Url></Play></Response>'],
    [
      'whitespace and pretty-printed text',
      `${DECL}\r\n<Response>\r\n  <Play>\n    <Url>\n      https://example.com/a.wav\n    </Url>\n  </Play>\n</Response>\n\n`,
    ],
    [
      'character references',
      '<Response><Play><Url>https://example.com/&#97;.wav</Url></Play></Response>',
    ],
    [
      'an encoding declared in lower case',
      '<?xml version="1.0" encoding="utf-8"?><Response><Play><Url>https://example.com/a.wav</Url></Play></Response>',
    ],
    [
      'processing instructions',
      '<?xml version="1.0"?><?app hint?><Response><Play><Url>https://example.com/a.wav</Url></Play></Response>',
    ],
  ])('%s', (_name, xml) => {
    expect(decodeResponse(xml)).toEqual(play);
  });

  it('a byte order mark in bytes', () => {
    const bytes = new TextEncoder().encode(
      '\ufeff<Response><Play><Url>https://example.com/a.wav</Url></Play></Response>',
    );
    expect(bytes[0]).toBe(0xef);
    expect(decodeResponse(bytes)).toEqual(play);
  });

  it('single-quoted attributes, with entities inside', () => {
    expect(
      decodeResponse(`<Response onHangup='https://example.com/h?a=1&amp;b=&apos;2&apos;'/>`),
    ).toEqual({ onHangup: "https://example.com/h?a=1&b='2'", actions: [] });
  });

  it('chained actions, in order, with up to 5 numbers', () => {
    const xml = `${DECL}<Response onAnswer="https://example.com/answer">
      <Play><Url>https://example.com/1.wav</Url></Play>
      <Play><Url>https://example.com/2.wav</Url></Play>
      <Gather onData="https://example.com/dtmf" type="dtmf"/>
      <Dial callerId="492111234567" anonymous="false">
        <Number>1</Number><Number>2</Number><Number>3</Number><Number>4</Number><Number> 5 </Number>
      </Dial>
      <Reject/>
      <Hangup/>
    </Response>`;
    expect(decodeResponse(xml)).toEqual({
      onAnswer: 'https://example.com/answer',
      actions: [
        { action: 'Play', url: 'https://example.com/1.wav' },
        { action: 'Play', url: 'https://example.com/2.wav' },
        {
          action: 'Gather',
          type: 'dtmf',
          onData: 'https://example.com/dtmf',
          maxDigits: 1,
          timeout: 2000,
        },
        {
          action: 'Dial',
          callerId: '492111234567',
          anonymous: false,
          target: { numbers: ['1', '2', '3', '4', '5'] },
        },
        { action: 'Reject', reason: 'rejected' },
        { action: 'Hangup' },
      ],
    });
  });
});

/** [what, document, code, line, column, path] */
const INVALID: [string, string, string, number, number, string][] = [
  [
    'unknown element <Say>',
    '<Response>\n  <Say>Hello</Say>\n</Response>',
    'XML_UNKNOWN_ELEMENT',
    2,
    3,
    '/Response/Say[1]',
  ],
  [
    'unknown element <Wurst>',
    '<Response><Hangup/><Wurst/></Response>',
    'XML_UNKNOWN_ELEMENT',
    1,
    20,
    '/Response/Wurst[1]',
  ],
  [
    'lower-case action',
    '<Response><hangup/></Response>',
    'XML_UNKNOWN_ELEMENT',
    1,
    11,
    '/Response/hangup[1]',
  ],
  [
    'Dial inside Gather',
    '<Response><Gather onData="http://a.example/"><Dial><Voicemail/></Dial></Gather></Response>',
    'XML_UNEXPECTED_ELEMENT',
    1,
    46,
    '/Response/Gather[1]/Dial[1]',
  ],
  [
    'Number outside Dial',
    '<Response>\n<Number>4915799912345</Number></Response>',
    'XML_UNEXPECTED_ELEMENT',
    2,
    1,
    '/Response/Number[1]',
  ],
  [
    'element inside Url',
    '<Response><Play><Url><b/>http://a.example/</Url></Play></Response>',
    'XML_UNKNOWN_ELEMENT',
    1,
    22,
    '/Response/Play[1]/Url[1]/b[1]',
  ],
  [
    'unknown attribute',
    '<Response>\n\t<Play loop="2"><Url>http://a.example/</Url></Play></Response>',
    'XML_UNKNOWN_ATTRIBUTE',
    2,
    8,
    '/Response/Play[1]/@loop',
  ],
  [
    'attribute in the wrong case',
    '<Response><Gather ondata="http://a.example/" onData="http://a.example/"/></Response>',
    'XML_UNKNOWN_ATTRIBUTE',
    1,
    19,
    '/Response/Gather[1]/@ondata',
  ],
  [
    'namespace attribute',
    '<Response xmlns="urn:x"/>',
    'XML_UNKNOWN_ATTRIBUTE',
    1,
    11,
    '/Response/@xmlns',
  ],
  [
    'text in Response',
    '<Response>\n   hello <Hangup/></Response>',
    'XML_UNEXPECTED_TEXT',
    2,
    4,
    '/Response/text()',
  ],
  [
    'text in Dial',
    '<Response><Dial>4915799912345</Dial></Response>',
    'XML_UNEXPECTED_TEXT',
    1,
    17,
    '/Response/Dial[1]/text()',
  ],
  [
    'CDATA text in Hangup',
    '<Response><Hangup><![CDATA[ x]]></Hangup></Response>',
    'XML_UNEXPECTED_TEXT',
    1,
    29,
    '/Response/Hangup[1]/text()',
  ],
  [
    'lower-case root',
    '<?xml version="1.0"?>\n<response><Hangup/></response>',
    'XML_ROOT',
    2,
    1,
    '/response',
  ],
  ['other root', '<Twiml/>', 'XML_ROOT', 1, 1, '/Twiml'],
  ['two roots', '<Response/>\n<Response/>', 'XML_ROOT', 2, 1, '/'],
  ['no root', '<!-- nothing -->', 'XML_ROOT', 1, 17, '/'],
  [
    'relative Url',
    '<Response><Play><Url>/prompts/a.wav</Url></Play></Response>',
    'XML_VALUE_INVALID',
    1,
    22,
    '/Response/Play[1]/Url[1]',
  ],
  [
    'ftp Url',
    '<Response><Play>\n  <Url>\n    ftp://example.com/a.wav\n  </Url></Play></Response>',
    'XML_VALUE_INVALID',
    3,
    5,
    '/Response/Play[1]/Url[1]',
  ],
  [
    'relative onData',
    '<Response><Gather  onData="dtmf"/></Response>',
    'XML_VALUE_INVALID',
    1,
    20,
    '/Response/Gather[1]/@onData',
  ],
  [
    'javascript: onHangup',
    '<Response onHangup="javascript:alert(1)"/>',
    'XML_VALUE_INVALID',
    1,
    11,
    '/Response/@onHangup',
  ],
  [
    'maxDigits 0',
    '<Response><Gather onData="http://a.example/" maxDigits="0"/></Response>',
    'XML_VALUE_INVALID',
    1,
    46,
    '/Response/Gather[1]/@maxDigits',
  ],
  [
    'timeout not a number',
    '<Response><Gather onData="http://a.example/" timeout = \'2s\'/></Response>',
    'XML_VALUE_INVALID',
    1,
    46,
    '/Response/Gather[1]/@timeout',
  ],
  [
    'type voice',
    '<Response><Gather onData="http://a.example/" type="voice"/></Response>',
    'XML_VALUE_INVALID',
    1,
    46,
    '/Response/Gather[1]/@type',
  ],
  [
    'reason declined',
    '<Response><Reject reason="declined"/></Response>',
    'XML_VALUE_INVALID',
    1,
    19,
    '/Response/Reject[1]/@reason',
  ],
  [
    'anonymous yes',
    '<Response><Dial anonymous="yes"><Voicemail/></Dial></Response>',
    'XML_VALUE_INVALID',
    1,
    17,
    '/Response/Dial[1]/@anonymous',
  ],
  [
    'callerId with two +',
    '<Response><Dial callerId="++492111234567"><Voicemail/></Dial></Response>',
    'XML_VALUE_INVALID',
    1,
    17,
    '/Response/Dial[1]/@callerId',
  ],
  [
    'Number with a space',
    '<Response><Dial><Number>4915799912345</Number><Number>+49 211</Number></Dial></Response>',
    'XML_VALUE_INVALID',
    1,
    55,
    '/Response/Dial[1]/Number[2]',
  ],
  [
    'six numbers',
    '<Response><Dial><Number>1</Number><Number>2</Number><Number>3</Number><Number>4</Number><Number>5</Number><Number>6</Number></Dial></Response>',
    'XML_VALUE_INVALID',
    1,
    11,
    '/Response/Dial[1]',
  ],
  [
    'Gather without onData',
    '<Response>\n  <Gather maxDigits="3"/></Response>',
    'XML_MISSING',
    2,
    3,
    '/Response/Gather[1]/@onData',
  ],
  [
    'Play without Url',
    '<Response><Play/></Response>',
    'XML_MISSING',
    1,
    11,
    '/Response/Play[1]/Url[1]',
  ],
  [
    'Dial without target',
    '<Response><Dial callerId="492111234567"></Dial></Response>',
    'XML_MISSING',
    1,
    11,
    '/Response/Dial[1]',
  ],
  [
    'empty Number',
    '<Response><Dial><Number/></Dial></Response>',
    'XML_VALUE_INVALID',
    1,
    17,
    '/Response/Dial[1]/Number[1]',
  ],
  [
    'two Url',
    '<Response><Play><Url>http://a.example/1</Url><Url>http://a.example/2</Url></Play></Response>',
    'XML_DUPLICATE',
    1,
    46,
    '/Response/Play[1]/Url[2]',
  ],
  [
    'two Play in Gather',
    '<Response><Gather onData="http://a.example/"><Play><Url>http://a.example/1</Url></Play><Play><Url>http://a.example/2</Url></Play></Gather></Response>',
    'XML_DUPLICATE',
    1,
    88,
    '/Response/Gather[1]/Play[2]',
  ],
  [
    'Number and Voicemail',
    '<Response><Dial><Number>1</Number><Voicemail/></Dial></Response>',
    'XML_UNEXPECTED_ELEMENT',
    1,
    35,
    '/Response/Dial[1]/Voicemail[1]',
  ],
  ['unclosed element', '<Response>\n<Hangup>\n</Response>', 'XML_MALFORMED', 3, 11, '/Response'],
  [
    'bare &',
    '<Response onHangup="http://a.example/?a=1&b=2"/>',
    'XML_MALFORMED',
    1,
    42,
    '/Response',
  ],
  [
    'undefined entity',
    '<Response><Play><Url>http://a.example/&nbsp;</Url></Play></Response>',
    'XML_MALFORMED',
    1,
    44,
    '/Response/Play[1]/Url[1]',
  ],
  [
    'control character',
    '<Response onHangup="http://a.example/\u0001"/>',
    'XML_MALFORMED',
    1,
    38,
    '/Response',
  ],
  ['text after the root', '<Response/>\n oops', 'XML_MALFORMED', 2, 2, '/'],
  ['unfinished start tag', '<Response', 'XML_MALFORMED', 1, 9, '/'],
  [
    'bare & in text',
    '<Response><Play><Url>http://a.example/?a=1&b=2 </Url></Play></Response>',
    'XML_MALFORMED',
    1,
    43,
    '/Response/Play[1]/Url[1]',
  ],
  [
    'a declared encoding other than UTF-8, ISO-8859-1 or US-ASCII',
    '<?xml version="1.0" encoding="windows-1252"?><Response/>',
    'XML_ENCODING',
    1,
    21,
    '/',
  ],
  ['DOCTYPE', '<?xml version="1.0"?>\n<!DOCTYPE Response>\n<Response/>', 'XML_DOCTYPE', 2, 1, '/'],
  ['ENTITY anywhere', '<Response><!-- <!ENTITY x "y"> --></Response>', 'XML_DOCTYPE', 1, 16, '/'],
];

describe('decodeResponse rejects', () => {
  it.each(INVALID)('%s', (_name, xml, code, line, column, path) => {
    const problems = problemsOf(xml);
    expect(problems).toContainEqual(expect.objectContaining({ code, line, column, path }));
    expect(problems.every((problem) => problem.message.length > 20)).toBe(true);
  });

  it('throws SiphookError XML_INVALID with every problem in details', () => {
    let caught: unknown;
    try {
      decodeResponse(
        '<Response>\n  <Say>Hi</Say>\n  <Gather onData="x" maxDigits="many"/>\n</Response>',
      );
    } catch (error) {
      caught = error;
    }
    expect(isSiphookError(caught, 'XML_INVALID')).toBe(true);
    const error = caught as Error & { details: { problems: XmlProblem[] } };
    expect(error.details.problems.map((p) => [p.code, p.line, p.column])).toEqual([
      ['XML_UNKNOWN_ELEMENT', 2, 3],
      ['XML_VALUE_INVALID', 3, 11],
      ['XML_VALUE_INVALID', 3, 22],
    ]);
    expect(error.message).toBe(
      [
        'XML response is invalid:',
        '  - 2:3 /Response/Say[1]: unknown element <Say> inside <Response>; it holds <Dial>, <Play>, <Gather>, <Reject> or <Hangup>',
        '  - 3:11 /Response/Gather[1]/@onData: expected an absolute http(s) URL; received "x"',
        '  - 3:22 /Response/Gather[1]/@maxDigits: expected an integer >= 1; received "many"',
      ].join('\n'),
    );
  });

  it('names what was expected and what was received, truncated', () => {
    const long = `ftp://example.com/${'x'.repeat(200)}`;
    const [problem] = problemsOf(`<Response><Play><Url>${long}</Url></Play></Response>`);
    expect(problem!.message).toMatch(
      /^\/Response\/Play\[1\]\/Url\[1\]: expected an absolute http\(s\) URL; received "ftp:\/\/example\.com\/x+…$/,
    );
    expect(problem!.message.length).toBeLessThan(160);
  });

  it('input that is neither text nor bytes', () => {
    expect(problemsOf(42 as unknown as string)[0]).toMatchObject({
      code: 'XML_MALFORMED',
      line: 1,
      column: 1,
    });
  });

  it('bytes that are not UTF-8', () => {
    const latin1 = Uint8Array.from(
      [...'<Response onHangup="http://a.example/']
        .map((c) => c.charCodeAt(0))
        .concat([0xfc, 0x22, 0x2f, 0x3e]),
    );
    expect(problemsOf(latin1)[0]).toMatchObject({ code: 'XML_MALFORMED' });
  });

  it('invalid limits as a usage error, not as a problem', () => {
    expect(() => checkResponse('<Response/>', { maxDepth: 0 })).toThrow(
      expect.objectContaining({ code: 'OPTIONS_INVALID' }),
    );
  });
});

describe('limits and hostile input', () => {
  it('refuses a document over maxBytes, counted in UTF-8 bytes', () => {
    const padding = 'ü'.repeat(40000); // 80000 bytes, 40000 UTF-16 units
    const xml = `<Response><!-- ${padding} --></Response>`;
    expect(problemsOf(xml)[0]).toMatchObject({
      code: 'XML_TOO_LARGE',
      line: 1,
      column: 1,
      path: '/',
    });
    expect(problemsOf(new TextEncoder().encode(xml))[0]!.code).toBe('XML_TOO_LARGE');
    expect(checkResponse(xml, { maxBytes: 100_000 }).valid).toBe(true);
    expect(problemsOf('<Response/>', { maxBytes: 10 })[0]!.message).toBe(
      'document is 11 bytes; the limit is 10 bytes (option maxBytes)',
    );
  });

  it('refuses nesting deeper than maxDepth, and stops there', () => {
    const deep = `<Response>${'<a>'.repeat(20)}${'</a>'.repeat(20)}</Response>`;
    const problems = problemsOf(deep);
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'XML_TOO_DEEP',
        line: 1,
        column: 56,
        path: '/Response/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]/a[1]',
      }),
    ]);
    expect(
      problemsOf('<Response><Play><Url>http://a.example/</Url></Play></Response>', {
        maxDepth: 2,
      })[0]!.code,
    ).toBe('XML_TOO_DEEP');
  });

  it('refuses billion laughs before any expansion', () => {
    const entities = Array.from({ length: 10 }, (_, i) =>
      i === 0 ? '<!ENTITY lol0 "lol">' : `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`,
    ).join('\n ');
    const xml = `<?xml version="1.0"?>\n<!DOCTYPE Response [\n ${entities}\n]>\n<Response onHangup="http://a.example/&lol9;"/>`;
    const result = checkResponse(xml);
    expect(result).toEqual({
      valid: false,
      problems: [expect.objectContaining({ code: 'XML_DOCTYPE', line: 2, column: 1 })],
    });
    // Nothing was expanded: the only text quoted back is the declaration keyword.
    expect(JSON.stringify(result).length).toBeLessThan(400);
  });

  it('refuses an external entity (XXE) before reading anything', () => {
    const xml =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Response onHangup="&xxe;"/>';
    const result = checkResponse(xml);
    expect(result.valid).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'XML_DOCTYPE', line: 1, column: 22 });
    expect(JSON.stringify(result)).not.toContain('root:');
  });

  it('refuses an entity reference without a declaration as malformed', () => {
    expect(problemsOf('<Response onHangup="&xxe;"/>')[0]!.code).toBe('XML_MALFORMED');
  });

  it('starts clean after a document that stopped the parser part-way', () => {
    const valid = '<Response><Hangup/></Response>';
    for (const broken of [
      '<Response><Hangup>',
      '<Response>&x;<Hangup/></Response>',
      `<Response>${'<a>'.repeat(20)}`,
    ]) {
      expect(checkResponse(broken).valid).toBe(false);
      expect(checkResponse(valid)).toEqual({
        valid: true,
        response: { actions: [{ action: 'Hangup' }] },
        problems: [],
      });
    }
    expect(problemsOf('<Response><Say/></Response>')).toHaveLength(1);
    expect(problemsOf('<Response><Wurst/></Response>')).toEqual([
      expect.objectContaining({ path: '/Response/Wurst[1]' }),
    ]);
  });

  it('reports every problem of a document, in document order', () => {
    const xml = '<Response foo="1">\n<Say/>\n<Play/>\n<Dial><Number>x</Number></Dial>\n</Response>';
    expect(problemsOf(xml).map((p) => `${p.line}:${p.column} ${p.code}`)).toEqual([
      '1:11 XML_UNKNOWN_ATTRIBUTE',
      '2:1 XML_UNKNOWN_ELEMENT',
      '3:1 XML_MISSING',
      '4:15 XML_VALUE_INVALID',
    ]);
  });
});

describe('a document with thousands of problems', () => {
  it('lists the first 100 in document order, then counts the rest, in linear time', () => {
    const count = 5000;
    const xml = `<Response>${'<Say/>'.repeat(count)}</Response>`;
    const { valid, problems } = checkResponse(xml);
    expect(valid).toBe(false);
    expect(problems).toHaveLength(101);
    expect(problems[0]).toMatchObject({
      code: 'XML_UNKNOWN_ELEMENT',
      path: '/Response/Say[1]',
      line: 1,
      column: 11,
    });
    expect(problems[99]).toMatchObject({ path: '/Response/Say[100]' });
    expect(problems[100]).toMatchObject({
      code: 'XML_TOO_MANY_PROBLEMS',
      path: '/Response/Say[101]',
    });
    expect(problems[100]!.message).toContain(`${count - 100} more problem(s)`);
  });
});

describe('real-world responses (issue 11)', () => {
  const play = { actions: [{ action: 'Play', url: 'https://example.com/grüße.wav' }] };
  const latin1 = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));

  it('takes a leading "+" on <Number> and callerId, and keeps it as written', () => {
    const xml =
      '<Response><Dial callerId="+492111234567"><Number>+4915799912345</Number></Dial></Response>';
    expect(decodeResponse(xml)).toEqual({
      actions: [
        { action: 'Dial', callerId: '+492111234567', target: { numbers: ['+4915799912345'] } },
      ],
    });
  });

  it('decodes bytes declared ISO-8859-1 as ISO-8859-1', () => {
    const bytes = latin1(
      "<?xml version='1.0' encoding='ISO-8859-1'?><Response><Play><Url>https://example.com/grüße.wav</Url></Play></Response>",
    );
    expect(bytes).toContain(0xfc); // ü as one byte, which is not UTF-8
    expect(decodeResponse(bytes)).toEqual(play);
    expect(decodeResponse(new TextDecoder('latin1').decode(bytes))).toEqual(play);
  });

  it('decodes bytes declared US-ASCII, and refuses one that is not', () => {
    const ascii = '<?xml version="1.0" encoding="us-ascii"?><Response><Hangup/></Response>';
    expect(decodeResponse(latin1(ascii))).toEqual({ actions: [{ action: 'Hangup' }] });
    const problems = problemsOf(latin1(ascii.replace('<Hangup/>', '<!-- ü --><Hangup/>')));
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'XML_MALFORMED',
        message: 'byte 0xFC at offset 56 is not US-ASCII, the encoding the XML declaration names',
      }),
    ]);
  });

  it('refuses other declared encodings, naming the accepted ones', () => {
    for (const xml of [
      '<?xml version="1.0" encoding="windows-1252"?><Response/>',
      latin1('<?xml version="1.0" encoding="windows-1252"?><Response><!-- \u00e4 --></Response>'),
    ]) {
      expect(problemsOf(xml)).toEqual([
        expect.objectContaining({
          code: 'XML_ENCODING',
          message:
            'XML declaration names encoding "windows-1252"; accepted are UTF-8, ISO-8859-1 and US-ASCII (sipgate.io responses are UTF-8)',
          line: 1,
          column: 21,
        }),
      ]);
    }
  });

  it('refuses a UTF-8 byte order mark on a document declared ISO-8859-1', () => {
    const bytes = new Uint8Array([
      0xef,
      0xbb,
      0xbf,
      ...latin1("<?xml version='1.0' encoding='ISO-8859-1'?><Response/>"),
    ]);
    expect(problemsOf(bytes)).toEqual([expect.objectContaining({ code: 'XML_ENCODING' })]);
  });

  it('refuses two byte order marks, as text and as bytes (expat does)', () => {
    const twice = '\ufeff\ufeff<Response><Hangup/></Response>';
    for (const xml of [twice, new TextEncoder().encode(twice)]) {
      expect(problemsOf(xml)).toEqual([
        expect.objectContaining({
          code: 'XML_MALFORMED',
          message:
            'XML is not well-formed: a second byte order mark (U+FEFF) at the start; a document has at most one',
        }),
      ]);
    }
    expect(decodeResponse('\ufeff<Response><Hangup/></Response>')).toEqual({
      actions: [{ action: 'Hangup' }],
    });
  });

  it('reports a problem on a top-level <Play> once', () => {
    const problems = problemsOf(
      '<Response><Play loop="2"><Url>https://example.com/a.wav</Url>x</Play></Response>',
    );
    expect(problems.map((problem) => problem.code)).toEqual([
      'XML_UNKNOWN_ATTRIBUTE',
      'XML_UNEXPECTED_TEXT',
    ]);
  });

  it('names a raw "&" without the parser’s later complaint', () => {
    const [problem] = problemsOf('<Response onHangup="https://example.com/h?a=1&b=2"/>');
    expect(problem).toEqual({
      code: 'XML_MALFORMED',
      message: 'XML is not well-formed: a raw "&" must be written as &amp;',
      line: 1,
      column: 46,
      path: '/Response',
    });
  });

  it('says that onAnswer and onHangup belong on <Response>', () => {
    const problems = problemsOf(
      '<Response><Gather onData="https://example.com/d" onHangup="https://example.com/h"/><Dial onAnswer="https://example.com/a"><Voicemail/></Dial></Response>',
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      '/Response/Gather[1]/@onHangup: <Gather> has no attribute onHangup; it has type, onData, maxDigits or timeout; onHangup belongs on <Response> (<Response onHangup="…">)',
      '/Response/Dial[1]/@onAnswer: <Dial> has no attribute onAnswer; it has callerId or anonymous; onAnswer belongs on <Response> (<Response onAnswer="…">)',
    ]);
  });

  it('says that an empty <Number> or <Url> is empty', () => {
    const problems = problemsOf(
      '<Response><Dial><Number> </Number></Dial><Play><Url></Url></Play></Response>',
    );
    expect(problems.map((problem) => problem.message)).toEqual([
      '/Response/Dial[1]/Number[1]: <Number> is empty; expected an E.164 number: 1 to 15 digits, optionally after "+"',
      '/Response/Play[1]/Url[1]: <Url> is empty; expected an absolute http(s) URL',
    ]);
  });
});
