import { describe, expect, it } from 'vitest';
import { catchError } from '../test/catch-error.js';
import { isHttpUrl } from './http-url.js';
import { isE164 } from './phone-number.js';
import { parseResponse, type Response } from './response.js';

// Every XML example of the contract, written as a model, and the validated model it must give.
const examples: [name: string, input: unknown, output: Response][] = [
  [
    'Dial example 1: redirect call',
    { actions: [{ action: 'Dial', target: { numbers: ['4915799912345'] } }] },
    { actions: [{ action: 'Dial', target: { numbers: ['4915799912345'] } }] },
  ],
  [
    'Dial example 2: send call to voicemail',
    { actions: [{ action: 'Dial', target: { voicemail: true } }] },
    { actions: [{ action: 'Dial', target: { voicemail: true } }] },
  ],
  [
    'Dial example 3: suppress phone number',
    { actions: [{ action: 'Dial', anonymous: true, target: { numbers: ['4915799912345'] } }] },
    { actions: [{ action: 'Dial', anonymous: true, target: { numbers: ['4915799912345'] } }] },
  ],
  [
    'Dial example 4: custom caller id',
    {
      actions: [
        { action: 'Dial', callerId: '492111234567', target: { numbers: ['4915799912345'] } },
      ],
    },
    {
      actions: [
        { action: 'Dial', callerId: '492111234567', target: { numbers: ['4915799912345'] } },
      ],
    },
  ],
  [
    'Play example 1',
    { actions: [{ action: 'Play', url: 'http://example.com/example.wav' }] },
    { actions: [{ action: 'Play', url: 'http://example.com/example.wav' }] },
  ],
  [
    'Gather example 1: with a sound file, maxDigits 3 and timeout 10000',
    {
      actions: [
        {
          action: 'Gather',
          onData: 'http://localhost:3000/dtmf',
          maxDigits: 3,
          timeout: 10000,
          play: { action: 'Play', url: 'https://example.com/example.wav' },
        },
      ],
    },
    {
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
  ],
  [
    'Reject example 1',
    { actions: [{ action: 'Reject' }] },
    { actions: [{ action: 'Reject', reason: 'rejected' }] },
  ],
  [
    'Reject example 2: busy',
    { actions: [{ action: 'Reject', reason: 'busy' }] },
    { actions: [{ action: 'Reject', reason: 'busy' }] },
  ],
  ['Hangup example', { actions: [{ action: 'Hangup' }] }, { actions: [{ action: 'Hangup' }] }],
  [
    'onAnswer example',
    { onAnswer: 'http://localhost:3000/answer' },
    { onAnswer: 'http://localhost:3000/answer', actions: [] },
  ],
  [
    'onHangup example',
    { onHangup: 'http://localhost:3000/hangup' },
    { onHangup: 'http://localhost:3000/hangup', actions: [] },
  ],
];

describe('parseResponse: the XML examples of the contract', () => {
  it.each(examples)('validates %s', (_, input, output) => {
    const response = parseResponse(input);
    expect(response).toEqual(output);
    // Validated output is valid input, unchanged.
    expect(parseResponse(response)).toEqual(response);
  });

  it('fills the Gather defaults: type dtmf, maxDigits 1, timeout 2000', () => {
    expect(parseResponse({ actions: [{ action: 'Gather', onData: 'https://x.test/d' }] })).toEqual({
      actions: [
        { action: 'Gather', type: 'dtmf', onData: 'https://x.test/d', maxDigits: 1, timeout: 2000 },
      ],
    });
  });

  it('fills the Reject default reason "rejected"', () => {
    expect(parseResponse({ actions: [{ action: 'Reject' }] }).actions[0]).toEqual({
      action: 'Reject',
      reason: 'rejected',
    });
  });

  it('keeps a chain of actions in order (Play, Play, Hangup)', () => {
    const input = {
      onAnswer: 'https://x.test/answer',
      onHangup: 'https://x.test/hangup',
      actions: [
        { action: 'Play', url: 'https://x.test/1.wav' },
        { action: 'Play', url: 'https://x.test/2.wav' },
        { action: 'Hangup' },
      ],
    };
    expect(parseResponse(input)).toEqual(input);
  });

  it('accepts a Dial with 5 numbers and 15-digit numbers', () => {
    const numbers = ['1', '49', '4915799912345', '123456789012345', '4921'];
    expect(parseResponse({ actions: [{ action: 'Dial', target: { numbers } }] })).toEqual({
      actions: [{ action: 'Dial', target: { numbers } }],
    });
  });

  it.each([
    'https://username:password@example.com:8080/push',
    'http://user:pa%40ss@example.com/a?b=c#d',
    'HTTPS://EXAMPLE.COM/x.wav',
    'http://127.0.0.1:3000/x',
    'http://[::1]:3000/x',
  ])('accepts the URL %s', (url) => {
    expect(parseResponse({ onAnswer: url, actions: [{ action: 'Play', url }] })).toEqual({
      onAnswer: url,
      actions: [{ action: 'Play', url }],
    });
  });

  it('accepts an empty object as a response with no actions', () => {
    expect(parseResponse({})).toEqual({ actions: [] });
  });
});

describe('parseResponse: invalid models', () => {
  const play = (url: unknown) => ({ actions: [{ action: 'Play', url }] });
  const dial = (target: unknown, extra: object = {}) => ({
    actions: [{ action: 'Dial', ...extra, target }],
  });
  const gather = (fields: object) => ({
    actions: [{ action: 'Gather', onData: 'https://x.test/d', ...fields }],
  });
  const cases: [name: string, input: unknown, path: string, issueCode: string][] = [
    [
      '6 numbers',
      dial({ numbers: ['1', '2', '3', '4', '5', '6'] }),
      'actions[0].target.numbers',
      'FIELD_INVALID',
    ],
    ['0 numbers', dial({ numbers: [] }), 'actions[0].target.numbers', 'FIELD_INVALID'],
    [
      'a number with a space',
      dial({ numbers: ['4915', '+49 15'] }),
      'actions[0].target.numbers[1]',
      'FIELD_INVALID',
    ],
    ['a lone "+"', dial({ numbers: ['+'] }), 'actions[0].target.numbers[0]', 'FIELD_INVALID'],
    [
      'a "+" and 16 digits',
      dial({ numbers: ['+1234567890123456'] }),
      'actions[0].target.numbers[0]',
      'FIELD_INVALID',
    ],
    [
      'a 16-digit number',
      dial({ numbers: ['1234567890123456'] }),
      'actions[0].target.numbers[0]',
      'FIELD_INVALID',
    ],
    ['an empty number', dial({ numbers: [''] }), 'actions[0].target.numbers[0]', 'FIELD_INVALID'],
    [
      'a number that is not a string',
      dial({ numbers: [4915] }),
      'actions[0].target.numbers[0]',
      'FIELD_INVALID',
    ],
    [
      'both targets',
      dial({ numbers: ['4915'], voicemail: true }),
      'actions[0].target',
      'FIELD_INVALID',
    ],
    ['neither target', dial({}), 'actions[0].target', 'FIELD_INVALID'],
    ['no target at all', { actions: [{ action: 'Dial' }] }, 'actions[0].target', 'FIELD_REQUIRED'],
    ['voicemail false', dial({ voicemail: false }), 'actions[0].target.voicemail', 'FIELD_INVALID'],
    [
      'a callerId with two +',
      dial({ numbers: ['1'] }, { callerId: '++4921' }),
      'actions[0].callerId',
      'FIELD_INVALID',
    ],
    [
      'anonymous as a string',
      dial({ numbers: ['1'] }, { anonymous: 'true' }),
      'actions[0].anonymous',
      'FIELD_INVALID',
    ],
    ['a relative URL', play('/audio/x.wav'), 'actions[0].url', 'FIELD_INVALID'],
    ['an ftp URL', play('ftp://example.com/x.wav'), 'actions[0].url', 'FIELD_INVALID'],
    ['a URL with a space', play('http://example.com/a b.wav'), 'actions[0].url', 'FIELD_INVALID'],
    ['a URL without a host', play('http:///x.wav'), 'actions[0].url', 'FIELD_INVALID'],
    ['a URL with a newline', play('http://example.com/\nx.wav'), 'actions[0].url', 'FIELD_INVALID'],
    ['a Play without url', { actions: [{ action: 'Play' }] }, 'actions[0].url', 'FIELD_REQUIRED'],
    ['maxDigits 0', gather({ maxDigits: 0 }), 'actions[0].maxDigits', 'FIELD_INVALID'],
    ['maxDigits as a string', gather({ maxDigits: '3' }), 'actions[0].maxDigits', 'FIELD_INVALID'],
    ['timeout 1.5', gather({ timeout: 1.5 }), 'actions[0].timeout', 'FIELD_INVALID'],
    ['timeout 0', gather({ timeout: 0 }), 'actions[0].timeout', 'FIELD_INVALID'],
    [
      'a Gather type other than dtmf',
      gather({ type: 'speech' }),
      'actions[0].type',
      'FIELD_INVALID',
    ],
    [
      'a Gather without onData',
      { actions: [{ action: 'Gather' }] },
      'actions[0].onData',
      'FIELD_REQUIRED',
    ],
    [
      'a Gather with a relative onData',
      gather({ onData: 'dtmf' }),
      'actions[0].onData',
      'FIELD_INVALID',
    ],
    [
      'a Gather with a Dial nested as its play',
      gather({ play: { action: 'Dial', target: { voicemail: true } } }),
      'actions[0].play.action',
      'FIELD_INVALID',
    ],
    [
      'a Gather with a nested Dial',
      gather({ dial: { action: 'Dial', target: { voicemail: true } } }),
      'actions[0].dial',
      'FIELD_UNKNOWN',
    ],
    [
      'an unknown action',
      { actions: [{ action: 'Record' }] },
      'actions[0].action',
      'FIELD_INVALID',
    ],
    [
      'an action in the wrong case',
      { actions: [{ action: 'play', url: 'http://x.test/' }] },
      'actions[0].action',
      'FIELD_INVALID',
    ],
    [
      'an action without a name',
      { actions: [{ url: 'http://x.test/' }] },
      'actions[0].action',
      'FIELD_REQUIRED',
    ],
    [
      'an unknown key (typo maxDigit)',
      gather({ maxDigit: 3 }),
      'actions[0].maxDigit',
      'FIELD_UNKNOWN',
    ],
    [
      'an unknown key on the response (typo onAnwser)',
      { onAnwser: 'http://x.test/' },
      'onAnwser',
      'FIELD_UNKNOWN',
    ],
    [
      'reason "maybe"',
      { actions: [{ action: 'Reject', reason: 'maybe' }] },
      'actions[0].reason',
      'FIELD_INVALID',
    ],
    ['a relative onAnswer', { onAnswer: '/answer' }, 'onAnswer', 'FIELD_INVALID'],
    ['a javascript: onHangup', { onHangup: 'javascript:alert(1)' }, 'onHangup', 'FIELD_INVALID'],
    ['actions that are not a list', { actions: { action: 'Hangup' } }, 'actions', 'FIELD_INVALID'],
    [
      'a bad second action',
      { actions: [{ action: 'Hangup' }, { action: 'Reject', reason: 'no' }] },
      'actions[1].reason',
      'FIELD_INVALID',
    ],
    ['null', null, '(root)', 'FIELD_INVALID'],
    ['an XML string', '<Response/>', '(root)', 'FIELD_INVALID'],
    ['nothing', undefined, '(root)', 'FIELD_REQUIRED'],
  ];

  it.each(cases)('rejects %s with RESPONSE_INVALID', (_, input, path, issueCode) => {
    const error = catchError(() => parseResponse(input));
    expect(error.code).toBe('RESPONSE_INVALID');
    expect(error.issues.map((issue) => [issue.path, issue.code])).toContainEqual([path, issueCode]);
    expect(error.message.split('\n')[0]).toBe('response is invalid:');
    for (const issue of error.issues) {
      expect(issue.message).toBe(
        `${issue.path}: expected ${issue.expected}; received ${issue.received}`,
      );
      // Expectations are written for people, never zod's generic text.
      expect(issue.expected).not.toMatch(/Invalid input/);
    }
  });

  it('says what a Dial target must be and what it got', () => {
    const error = catchError(() => parseResponse(dial({ numbers: ['4915', '0049-211'] })));
    expect(error.issues).toEqual([
      {
        code: 'FIELD_INVALID',
        path: 'actions[0].target.numbers[1]',
        expected: 'an E.164 number: 1 to 15 digits, optionally after "+"',
        received: '"0049-211"',
        message:
          'actions[0].target.numbers[1]: expected an E.164 number: 1 to 15 digits, optionally after "+"; received "0049-211"',
      },
    ]);
  });

  it('reports every issue of a model at once', () => {
    const error = catchError(() =>
      parseResponse({
        onAnswer: 'ftp://x',
        actions: [{ action: 'Gather', onData: '/d', maxDigits: 0 }, { action: 'Nope' }],
      }),
    );
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'actions[0].maxDigits',
      'actions[0].onData',
      'actions[1].action',
      'onAnswer',
    ]);
  });

  it('truncates a very long received URL to about 80 characters', () => {
    const error = catchError(() => parseResponse(play(`ftp://example.com/${'a'.repeat(500)}.wav`)));
    const received = error.issues[0]?.received ?? '';
    expect(received.length).toBeLessThanOrEqual(80);
    expect(received.startsWith('"ftp://example.com/aaa')).toBe(true);
    expect(received.endsWith('…')).toBe(true);
  });
});

describe('numbers with a leading "+" (issue 11)', () => {
  it('takes "+49…" in <Number> and callerId and keeps it as given', () => {
    const model = {
      actions: [
        {
          action: 'Dial',
          callerId: '+492111234567',
          target: { numbers: ['+4915799912345', '4921'] },
        },
      ],
    };
    expect(parseResponse(model)).toEqual(model);
  });
});

describe('isE164', () => {
  it.each([
    ['4915799912345', true, true],
    ['+4915799912345', true, false],
    ['1', true, true],
    ['123456789012345', true, true],
    ['1234567890123456', false, false],
    ['+', false, false],
    ['', false, false],
    ['++49', false, false],
    ['49+1', false, false],
    [' 49', false, false],
    ['49\n', false, false],
    ['٤٩', false, false],
  ])('isE164(%j) is %s, and %s without the "+"', (value, withPlus, withoutPlus) => {
    expect(isE164(value)).toBe(withPlus);
    expect(isE164(value, { plus: false })).toBe(withoutPlus);
  });

  it('says no to what is not a string', () => {
    expect(isE164(4915)).toBe(false);
    expect(isE164(undefined)).toBe(false);
  });
});

describe('isHttpUrl', () => {
  it.each([
    ['https://example.com', true],
    ['http://u:p@example.com:8080/x', true],
    ['example.com/x.wav', false],
    ['//example.com/x.wav', false],
    ['http:example.com', false],
    ['http://', false],
    ['http:///x', false],
    ['http:\\\\x', false],
    ['file:///etc/passwd', false],
    ['data:audio/wav;base64,AAAA', false],
    ['http://exa mple.com', false],
    ['http://example.com/\tx', false],
    ['http://example.com/\ufffe', false],
    ['http://example.com/\uffff', false],
    ['http://example.com/\ud800x', false],
    ['http://example.com/x\udc00', false],
    ['http://example.com/😀', true],
    ['http://example.com/ä?q=ü', true],
  ])('isHttpUrl(%j) is %s', (url, ok) => {
    expect(isHttpUrl(url)).toBe(ok);
  });

  it.each([
    ['https://hooks.example.com', true],
    ['https://hooks.example.com/base/', true],
    ['https://u:p@hooks.example.com:8443/base', true],
    ['https://hooks.example.com/?a=1', false],
    ['https://hooks.example.com/?', false],
    ['https://hooks.example.com/#', false],
    ['https://hooks.example.com/#top', false],
  ])('isHttpUrl(%j, { query: false }) is %s', (url, ok) => {
    expect(isHttpUrl(url, { query: false })).toBe(ok);
    expect(isHttpUrl(url)).toBe(true);
  });

  it('says no to what is not a string', () => {
    expect(isHttpUrl(undefined)).toBe(false);
    expect(isHttpUrl(new URL('https://example.com'))).toBe(false);
  });
});
