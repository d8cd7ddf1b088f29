import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchError } from '../test/catch-error.js';
import { decodeEvent } from './decode-event.js';
import { encodeEvent, type WebhookEventInput } from './encode-event.js';
import { type EventName, eventFields, KNOWN_HANGUP_CAUSES, type WebhookEvent } from './events.js';

describe('encodeEvent', () => {
  it('encodes the contract newCall in the live wire form, brackets as %5B%5D', () => {
    const body = encodeEvent({
      event: 'newCall',
      callId: '123456',
      direction: 'in',
      from: '492111234567',
      to: '4915791234567',
      user: ['Alice', 'Bob'],
    });
    expect(body).toBe(
      'event=newCall&callId=123456&direction=in&from=492111234567&to=4915791234567' +
        '&user%5B%5D=Alice&user%5B%5D=Bob',
    );
    expect(body).not.toMatch(/[[\]]/);
  });

  it('encodes the other contract examples', () => {
    expect(encodeEvent({ event: 'answer', callId: '123456', user: 'John Doe' })).toBe(
      'event=answer&callId=123456&user=John+Doe',
    );
    expect(encodeEvent({ event: 'hangup', callId: '123456', cause: 'normalClearing' })).toBe(
      'event=hangup&callId=123456&cause=normalClearing',
    );
    expect(encodeEvent({ event: 'dtmf', callId: '123456', dtmf: '1' })).toBe(
      'event=dtmf&callId=123456&dtmf=1',
    );
  });

  it('sends "no digits" as an empty dtmf, as the contract says', () => {
    expect(encodeEvent({ event: 'dtmf', callId: '1', dtmf: '' })).toBe('event=dtmf&callId=1&dtmf=');
  });

  it('sends an empty user list as one empty entry, like live traffic, and other empty lists not at all', () => {
    const body = encodeEvent({
      event: 'newCall',
      callId: '1',
      direction: 'out',
      from: 'anonymous',
      to: '4915',
      user: [],
      userId: [],
    });
    expect(body).toBe('event=newCall&callId=1&direction=out&from=anonymous&to=4915&user%5B%5D=');
    expect(decodeEvent(body)).toMatchObject({ user: [], userId: [], fullUserId: [] });
  });

  it('writes extra fields last, lists with %5B%5D', () => {
    expect(
      encodeEvent({
        event: 'dtmf',
        callId: '1',
        dtmf: '12',
        extra: { tenant: 'acme', tags: ['a', 'b'], none: [], blank: '' },
      }),
    ).toBe('event=dtmf&callId=1&dtmf=12&tenant=acme&tags%5B%5D=a&tags%5B%5D=b&none%5B%5D=&blank=');
  });

  it('percent-encodes &, =, +, %, spaces and non-ASCII', () => {
    const body = encodeEvent({ event: 'answer', callId: 'a&b=c+d%e f', user: 'Jürgen 😀' });
    expect(body).toBe('event=answer&callId=a%26b%3Dc%2Bd%25e+f&user=J%C3%BCrgen+%F0%9F%98%80');
    expect(decodeEvent(body)).toEqual({
      event: 'answer',
      callId: 'a&b=c+d%e f',
      user: 'Jürgen 😀',
      extra: {},
    });
  });

  it.each([
    'from=492111234567&to=4915791234567&direction=in&event=newCall&callId=123456&user[]=Alice&user[]=Bob',
    'event=answer&callId=123456&user=John+Doe',
    'event=hangup&cause=normalClearing&callId=123456',
    'event=dtmf&dtmf=1&callId=123456',
    'event=dtmf&callId=123456',
    'event=hangup&cause=aCauseFromTheFuture&callId=1&from=anonymous&x=1&y%5B%5D=2',
  ])('round-trips the decoded body %s', (body) => {
    const event = decodeEvent(body);
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('lets extra use a name that is a field of another event only', () => {
    const event = { event: 'dtmf', callId: '1', dtmf: '', extra: { cause: 'busy', user: ['A'] } };
    expect(decodeEvent(encodeEvent(event as WebhookEventInput))).toEqual(event);
  });

  it('writes an unknown field named __proto__ like any other, without touching prototypes', () => {
    const extra: Record<string, string | string[]> = {};
    Object.defineProperty(extra, '__proto__', { value: ['a', 'b'], enumerable: true });
    extra['x'] = '1';
    const body = encodeEvent({ event: 'dtmf', callId: '1', dtmf: '', extra });
    expect(body).toBe('event=dtmf&callId=1&dtmf=&x=1&__proto__%5B%5D=a&__proto__%5B%5D=b');
    expect(Object.getPrototypeOf(extra)).toBe(Object.prototype);
    const bad: Record<string, unknown> = {};
    Object.defineProperty(bad, '__proto__', { value: 7, enumerable: true });
    const error = catchError(() =>
      encodeEvent({ event: 'dtmf', callId: '1', dtmf: '', extra: bad as Record<string, string> }),
    );
    expect(error.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['extra.__proto__', 'FIELD_INVALID'],
    ]);
  });

  const dtmf = { event: 'dtmf', callId: '1', dtmf: '1' } as const;
  const newCall = { event: 'newCall', callId: '1', direction: 'in', from: '1', to: '2' } as const;
  const rejected: [name: string, input: unknown, path: string, issueCode: string][] = [
    [
      'an extra key named like a field of the event',
      { ...dtmf, extra: { callId: '2' } },
      'extra.callId',
      'FIELD_INVALID',
    ],
    [
      'an extra key "event"',
      { ...dtmf, extra: { event: 'hangup' } },
      'extra.event',
      'FIELD_INVALID',
    ],
    [
      'an extra key naming a list field',
      { ...newCall, extra: { userId: ['w0'] } },
      'extra.userId',
      'FIELD_INVALID',
    ],
    [
      'an extra scalar whose name ends in []',
      { ...dtmf, extra: { 'tags[]': 'a' } },
      'extra.tags[]',
      'FIELD_INVALID',
    ],
    [
      'an extra scalar whose name ends in [0]',
      { ...dtmf, extra: { 'tags[0]': 'a' } },
      'extra.tags[0]',
      'FIELD_INVALID',
    ],
    [
      'an empty entry in an extra list',
      { ...dtmf, extra: { tags: ['a', ''] } },
      'extra.tags[1]',
      'FIELD_INVALID',
    ],
    ['an extra value that is a number', { ...dtmf, extra: { n: 1 } }, 'extra.n', 'FIELD_INVALID'],
    ['an empty user entry', { ...newCall, user: ['Alice', ''] }, 'user[1]', 'FIELD_INVALID'],
    [
      'an optional field set to ""',
      { event: 'answer', callId: '1', user: '' },
      'user',
      'FIELD_INVALID',
    ],
    ['a missing callId', { event: 'dtmf', dtmf: '1' }, 'callId', 'FIELD_REQUIRED'],
    ['an empty callId', { ...dtmf, callId: '' }, 'callId', 'FIELD_INVALID'],
    ['from with a +', { ...newCall, from: '+4921' }, 'from', 'FIELD_INVALID'],
    ['direction "up"', { ...newCall, direction: 'up' }, 'direction', 'FIELD_INVALID'],
    [
      'a hangup cause with a line break',
      { event: 'hangup', callId: '1', cause: 'normal\nclearing' },
      'cause',
      'FIELD_INVALID',
    ],
    ['a dtmf letter', { ...dtmf, dtmf: 'x' }, 'dtmf', 'FIELD_INVALID'],
    ['an unknown event', { event: 'ring', callId: '1' }, 'event', 'FIELD_INVALID'],
    ['null', null, '(root)', 'FIELD_INVALID'],
    ['a string', 'event=dtmf', '(root)', 'FIELD_INVALID'],
  ];

  it.each(rejected)('rejects %s with EVENT_INVALID', (_, input, path, issueCode) => {
    const error = catchError(() => encodeEvent(input as WebhookEventInput));
    expect(error.code).toBe('EVENT_INVALID');
    expect(error.issues.map((issue) => [issue.path, issue.code])).toContainEqual([path, issueCode]);
    expect(error.message.split('\n')[0]).toBe('event to encode is invalid:');
    for (const issue of error.issues) expect(error.message).toContain(issue.message);
  });

  it('says why an extra key that names a field is refused', () => {
    const error = catchError(() => encodeEvent({ ...dtmf, extra: { callId: '2' } }));
    expect(error.issues).toEqual([
      {
        code: 'FIELD_INVALID',
        path: 'extra.callId',
        expected: 'a name that is not a dtmf field (event, callId, dtmf)',
        received: '"2"',
        message:
          'extra.callId: expected a name that is not a dtmf field (event, callId, dtmf); received "2"',
      },
    ]);
  });
});

// Random valid events: anything decodeEvent could produce.
const tricky = fc.constantFrom(
  '&',
  '=',
  '+',
  '%',
  '%25',
  '%5B',
  ' ',
  '#',
  '?',
  'ä',
  '€',
  '😀',
  '日',
  'a',
  '0',
  '[',
  ']',
);
const anyText = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: tricky }));
const text = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.string({ unit: tricky, minLength: 1, maxLength: 12 }),
);
const digits = fc.stringMatching(/^[0-9]{1,15}$/);
// A party as pushes name it: a number without "+", anonymous, or a SIP ID (issue 11).
const party = fc.oneof(
  digits,
  fc.constant('anonymous'),
  fc.stringMatching(/^[0-9]{1,9}[a-z][0-9]{1,3}$/),
);
const printable = text.filter((value) => !/[\u0000-\u001f\u007f]/.test(value));
const direction = fc.constantFrom('in', 'out');
const list = fc.array(text, { maxLength: 3 });
const cause = fc.oneof(
  fc.constantFrom(...KNOWN_HANGUP_CAUSES),
  fc.stringMatching(/^[A-Za-z][\w-]{0,15}$/),
);

function extraFor(event: EventName) {
  const known = new Set<string>(eventFields(event).map((field) => field.name));
  const key = fc
    .oneof(anyText, fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'))
    .filter((name) => !known.has(name) && !name.endsWith(']'));
  return fc.dictionary(key, fc.oneof(anyText, list), { maxKeys: 4, noNullPrototype: true });
}

const callDetails = {
  from: party,
  to: party,
  direction,
  answeringNumber: party,
  diversion: printable,
  origCallId: text,
  xcid: text,
};

const events: Record<EventName, fc.Arbitrary<Record<string, unknown>>> = {
  newCall: fc.record(
    {
      event: fc.constant('newCall'),
      callId: text,
      direction,
      from: party,
      to: party,
      user: list,
      userId: list,
      fullUserId: list,
      diversion: printable,
      origCallId: text,
      xcid: text,
      extra: extraFor('newCall'),
    },
    {
      requiredKeys: [
        'event',
        'callId',
        'direction',
        'from',
        'to',
        'user',
        'userId',
        'fullUserId',
        'extra',
      ],
    },
  ),
  answer: fc.record(
    {
      event: fc.constant('answer'),
      callId: text,
      user: text,
      userId: text,
      fullUserId: text,
      ...callDetails,
      extra: extraFor('answer'),
    },
    { requiredKeys: ['event', 'callId', 'extra'] },
  ),
  hangup: fc.record(
    {
      event: fc.constant('hangup'),
      callId: text,
      cause,
      ...callDetails,
      extra: extraFor('hangup'),
    },
    { requiredKeys: ['event', 'callId', 'cause', 'extra'] },
  ),
  dtmf: fc.record({
    event: fc.constant('dtmf'),
    callId: text,
    dtmf: fc.stringMatching(/^[0-9*#A-Da-d]{0,8}$/),
    extra: extraFor('dtmf'),
  }),
};

describe('encodeEvent and decodeEvent (property)', () => {
  it.each(Object.keys(events) as EventName[])(
    'decodeEvent(encodeEvent(e)) equals e for random valid %s events',
    (name) => {
      fc.assert(
        fc.property(events[name], (event) => {
          const body = encodeEvent(event as WebhookEventInput);
          // The wire form is plain ASCII: every bracket, space and non-ASCII character escaped.
          expect(body).toMatch(/^[\x21-\x7e]*$/);
          expect(body).not.toMatch(/[[\]]/);
          const decoded: WebhookEvent = decodeEvent(body);
          expect(decoded).toEqual(event);
          expect(Object.keys(decoded).sort()).toEqual(Object.keys(event).sort());
          expect(encodeEvent(decoded)).toBe(body);
        }),
        { numRuns: 200 },
      );
    },
  );
});
