import { isSiphookError, parseResponse, type Response, type ResponseInput } from '@siphook/schema';
import { describe, expect, it } from 'vitest';
import { CONTRACT_EXAMPLES } from '../test/fixtures/contract-examples.js';
import { decodeResponse } from './decode-response.js';
import { encodeResponse, type ResponseIssue } from './encode-response.js';

/** What each contract example means, written from the contract's prose. */
const EXPECTED: Record<string, Response> = {
  'Dial Example 1: Redirect call': {
    actions: [{ action: 'Dial', target: { numbers: ['4915799912345'] } }],
  },
  'Dial Example 2: Send call to voicemail': {
    actions: [{ action: 'Dial', target: { voicemail: true } }],
  },
  'Dial Example 3: Suppress phone number': {
    actions: [{ action: 'Dial', anonymous: true, target: { numbers: ['4915799912345'] } }],
  },
  'Dial Example 4: Set custom caller id for outgoing call': {
    actions: [{ action: 'Dial', callerId: '492111234567', target: { numbers: ['4915799912345'] } }],
  },
  'Play Example 1: Play a sound file': {
    actions: [{ action: 'Play', url: 'http://example.com/example.wav' }],
  },
  'Gather Example 1: DTMF with sound file and additional parameters': {
    actions: [
      {
        action: 'Gather',
        type: 'dtmf',
        onData: 'http://localhost:3000/dtmf',
        maxDigits: 3,
        timeout: 10000,
        play: { action: 'Play', url: 'https://example.com/example.wav' },
      },
    ],
  },
  'Reject Example 1: Reject call': { actions: [{ action: 'Reject', reason: 'rejected' }] },
  'Reject Example 2: Reject call signaling busy': {
    actions: [{ action: 'Reject', reason: 'busy' }],
  },
  'Hangup Example: Hang up call': { actions: [{ action: 'Hangup' }] },
  'onAnswer Example: Request notification for call being answered': {
    onAnswer: 'http://localhost:3000/answer',
    actions: [],
  },
  'onHangup Example: Request notification for call hangup': {
    onHangup: 'http://localhost:3000/hangup',
    actions: [],
  },
};

describe('the contract examples', () => {
  it('covers all eleven', () => {
    expect(CONTRACT_EXAMPLES.map(([name]) => name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(CONTRACT_EXAMPLES)(
    '%s decodes, re-encodes and decodes to the same model',
    (name, xml) => {
      const decoded = decodeResponse(xml);
      expect(decoded).toEqual(EXPECTED[name]);
      expect(decodeResponse(encodeResponse(decoded))).toEqual(decoded);
      expect(decodeResponse(encodeResponse(decoded, { pretty: true }))).toEqual(decoded);
    },
  );

  it.each(CONTRACT_EXAMPLES)('%s: pretty output is laid out like the contract', (name, xml) => {
    const pretty = encodeResponse(decodeResponse(xml), { pretty: true });
    // The encoder writes every value it holds (reason="rejected") and no comments.
    const expected = xml
      .replace(/\n\t*<!--.*?-->/g, '')
      .replace('<Reject />', '<Reject reason="rejected" />');
    expect(pretty).toBe(`${expected}\n`);
    expect(name).toBeTruthy();
  });
});

describe('encodeResponse', () => {
  it('writes compact XML with the declaration and a fixed attribute order', () => {
    const xml = encodeResponse({
      onHangup: 'https://example.com/hangup',
      onAnswer: 'https://example.com/answer',
      actions: [
        {
          action: 'Dial',
          target: { numbers: ['4915799912345', '492111234567'] },
          anonymous: false,
          callerId: '492111234567',
        },
        { timeout: 5, maxDigits: 2, onData: 'https://example.com/dtmf', action: 'Gather' },
        { action: 'Hangup' },
      ],
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>' +
        '<Response onAnswer="https://example.com/answer" onHangup="https://example.com/hangup">' +
        '<Dial callerId="492111234567" anonymous="false"><Number>4915799912345</Number><Number>492111234567</Number></Dial>' +
        '<Gather onData="https://example.com/dtmf" maxDigits="2" timeout="5"/>' +
        '<Hangup/></Response>',
    );
  });

  it('fills the contract defaults', () => {
    expect(
      encodeResponse({
        actions: [{ action: 'Gather', onData: 'http://a.example/d' }, { action: 'Reject' }],
      }),
    ).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        '<Gather onData="http://a.example/d" maxDigits="1" timeout="2000"/><Reject reason="rejected"/></Response>',
    );
    expect(encodeResponse({ actions: [] })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response/>',
    );
  });

  it("escapes & < > \" ' in URLs (where sipgate.io's own library writes a raw &)", () => {
    const url = `https://example.com/a?x=1&y=<2>&q="it's"`;
    const xml = encodeResponse({ onHangup: url, actions: [{ action: 'Play', url }] });
    expect(xml).toContain(
      'onHangup="https://example.com/a?x=1&amp;y=&lt;2&gt;&amp;q=&quot;it&apos;s&quot;"',
    );
    expect(xml).toContain(
      '<Url>https://example.com/a?x=1&amp;y=&lt;2&gt;&amp;q=&quot;it&apos;s&quot;</Url>',
    );
    expect(decodeResponse(xml)).toEqual({ onHangup: url, actions: [{ action: 'Play', url }] });
  });

  it('throws RESPONSE_INVALID naming the model path and the XML path', () => {
    const model = {
      actions: [
        { action: 'Play', url: 'https://example.com/a.wav' },
        { action: 'Gather', onData: 'dtmf', maxDigits: 0 },
        { action: 'Dial', target: { numbers: ['+49 211'] } },
      ],
    } as ResponseInput;
    let caught: unknown;
    try {
      encodeResponse(model);
    } catch (error) {
      caught = error;
    }
    expect(isSiphookError(caught, 'RESPONSE_INVALID')).toBe(true);
    const error = caught as Error & { details: { issues: ResponseIssue[] } };
    expect(error.details.issues.map((issue) => [issue.path, issue.xmlPath])).toEqual([
      ['actions[1].onData', '/Response/Gather[1]/@onData'],
      ['actions[1].maxDigits', '/Response/Gather[1]/@maxDigits'],
      ['actions[2].target.numbers[0]', '/Response/Dial[1]/Number[1]'],
    ]);
    expect(error.message).toContain(
      'actions[1].onData (/Response/Gather[1]/@onData): expected an absolute http(s) URL; received "dtmf"',
    );
  });

  it('refuses what the model forbids: a Dial inside a Gather, unknown fields, six numbers', () => {
    const cases: unknown[] = [
      {
        actions: [
          {
            action: 'Gather',
            onData: 'http://a.example/',
            play: { action: 'Dial', target: { voicemail: true } },
          },
        ],
      },
      { actions: [{ action: 'Hangup', reason: 'busy' }] },
      { actions: [{ action: 'Say', text: 'hi' }] },
      { actions: [{ action: 'Dial', target: { numbers: ['1', '2', '3', '4', '5', '6'] } }] },
      { actions: [{ action: 'Dial', target: { numbers: ['1'], voicemail: true } }] },
      { onAnswer: 'javascript:alert(1)', actions: [] },
      null,
    ];
    for (const model of cases) {
      expect(() => encodeResponse(model as ResponseInput), JSON.stringify(model)).toThrow(
        expect.objectContaining({ code: 'RESPONSE_INVALID' }),
      );
    }
  });

  it('refuses a URL holding a character XML cannot carry, instead of dropping it', () => {
    for (const bad of ['\uffff', '\ufffe', '\ud800']) {
      const url = `https://example.com/${bad}`;
      // The schema refuses it too (isHttpUrl), so the message comes with the model path.
      expect(() => parseResponse({ actions: [{ action: 'Play', url }] })).toThrow();
      expect(() => encodeResponse({ actions: [{ action: 'Play', url }] })).toThrow(
        expect.objectContaining({
          code: 'RESPONSE_INVALID',
          details: {
            issues: [
              expect.objectContaining({
                path: 'actions[0].url',
                xmlPath: '/Response/Play[1]/Url[1]',
              }),
            ],
          },
        }),
      );
    }
  });

  it('writes astral characters and non-ASCII as they are (UTF-8)', () => {
    const url = 'https://example.com/ansage-grüße-🎵.wav';
    const xml = encodeResponse({ actions: [{ action: 'Play', url }] });
    expect(xml).toContain(`<Url>${url}</Url>`);
    expect(decodeResponse(new TextEncoder().encode(xml))).toEqual({
      actions: [{ action: 'Play', url }],
    });
  });
});
