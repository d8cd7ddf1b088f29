import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { catchError } from '../test/catch-error.js';
import { decodeEvent } from './decode-event.js';
import { EVENT_LIMITS, type WebhookEvent } from './events.js';
import type { Issue } from './siphook-error.js';

describe('decodeEvent: the curl payloads of the contract', () => {
  it('decodes the newCall example with two users', () => {
    expect(
      decodeEvent(
        'from=492111234567&to=4915791234567&direction=in&event=newCall&callId=123456&user[]=Alice&user[]=Bob',
      ),
    ).toEqual({
      event: 'newCall',
      callId: '123456',
      direction: 'in',
      from: '492111234567',
      to: '4915791234567',
      user: ['Alice', 'Bob'],
      userId: [],
      fullUserId: [],
      extra: {},
    });
  });

  it('decodes the answer example, reading + as a space', () => {
    expect(decodeEvent('event=answer&callId=123456&user=John+Doe')).toEqual({
      event: 'answer',
      callId: '123456',
      user: 'John Doe',
      extra: {},
    });
  });

  it('decodes the hangup example', () => {
    expect(decodeEvent('event=hangup&cause=normalClearing&callId=123456')).toEqual({
      event: 'hangup',
      callId: '123456',
      cause: 'normalClearing',
      extra: {},
    });
  });

  it('decodes the dtmf example', () => {
    expect(decodeEvent('event=dtmf&dtmf=1&callId=123456')).toEqual({
      event: 'dtmf',
      callId: '123456',
      dtmf: '1',
      extra: {},
    });
  });
});

describe('decodeEvent: fields added by later revisions (NOTES.md)', () => {
  it('reads userId[], fullUserId[], origCallId, xcid and diversion on newCall', () => {
    const body =
      'event=newCall&direction=out&from=anonymous&to=4915791234567&callId=C1' +
      '&user%5B%5D=Alice&user%5B%5D=Bob&userId%5B%5D=w0&userId%5B%5D=w1' +
      '&fullUserId%5B%5D=1234567w0&fullUserId%5B%5D=1234567w1' +
      '&origCallId=C0&xcid=8419b3450b75cd19&diversion=4921100';
    expect(decodeEvent(body)).toEqual({
      event: 'newCall',
      callId: 'C1',
      direction: 'out',
      from: 'anonymous',
      to: '4915791234567',
      user: ['Alice', 'Bob'],
      userId: ['w0', 'w1'],
      fullUserId: ['1234567w0', '1234567w1'],
      diversion: '4921100',
      origCallId: 'C0',
      xcid: '8419b3450b75cd19',
      extra: {},
    });
  });

  it('reads every later field on answer', () => {
    const body =
      'event=answer&callId=C1&user=John+Doe&userId=w0&fullUserId=1234567w0&from=492111234567' +
      '&to=4915791234567&direction=in&answeringNumber=4921199&diversion=4921100&origCallId=C0&xcid=x1';
    expect(decodeEvent(body)).toEqual({
      event: 'answer',
      callId: 'C1',
      user: 'John Doe',
      userId: 'w0',
      fullUserId: '1234567w0',
      from: '492111234567',
      to: '4915791234567',
      direction: 'in',
      answeringNumber: '4921199',
      diversion: '4921100',
      origCallId: 'C0',
      xcid: 'x1',
      extra: {},
    });
  });

  it('reads every later field on hangup, with the cause forwarded', () => {
    const body =
      'event=hangup&cause=forwarded&callId=C1&from=anonymous&to=4915791234567&direction=out' +
      '&answeringNumber=4921199&diversion=4921100&origCallId=C0&xcid=x1';
    expect(decodeEvent(body)).toEqual({
      event: 'hangup',
      callId: 'C1',
      cause: 'forwarded',
      from: 'anonymous',
      to: '4915791234567',
      direction: 'out',
      answeringNumber: '4921199',
      diversion: '4921100',
      origCallId: 'C0',
      xcid: 'x1',
      extra: {},
    });
  });

  it.each(['normalClearing', 'busy', 'cancel', 'noAnswer', 'congestion', 'notFound', 'forwarded'])(
    'accepts the known cause %s',
    (cause) => {
      expect(decodeEvent(`event=hangup&callId=1&cause=${cause}`)).toMatchObject({ cause });
    },
  );

  it.each(['user.busy', 'normal clearing', 'Q.850/17'])(
    'passes the unknown cause %j through',
    (cause) => {
      expect(
        decodeEvent(new URLSearchParams({ event: 'hangup', callId: '1', cause })),
      ).toMatchObject({
        cause,
      });
    },
  );

  it('takes event[] for no event: the event name is never a list', () => {
    expect(() => decodeEvent('event[]=newCall&callId=1')).toThrow(
      expect.objectContaining({ code: 'EVENT_INVALID' }),
    );
  });

  it('passes a cause the service adds later through unchanged', () => {
    expect(decodeEvent('event=hangup&callId=1&cause=transferredToQueue')).toEqual({
      event: 'hangup',
      callId: '1',
      cause: 'transferredToQueue',
      extra: {},
    });
  });

  it('gives dtmf "" both when the field is empty and when it is missing', () => {
    const expected = { event: 'dtmf', callId: '7', dtmf: '', extra: {} };
    expect(decodeEvent('event=dtmf&dtmf=&callId=7')).toEqual(expected);
    expect(decodeEvent('event=dtmf&callId=7')).toEqual(expected);
  });

  it('keeps every keypad key of a dtmf value', () => {
    expect(decodeEvent('event=dtmf&dtmf=0123456789*%23ABCD&callId=7')).toMatchObject({
      dtmf: '0123456789*#ABCD',
    });
  });

  it('treats an optional field sent empty as absent', () => {
    const event = decodeEvent('event=answer&callId=1&user=&direction=&diversion=&xcid=');
    expect(event).toEqual({ event: 'answer', callId: '1', extra: {} });
    expect(Object.keys(event).sort()).toEqual(['callId', 'event', 'extra']);
  });
});

describe('decodeEvent: form decoding', () => {
  const head = 'event=newCall&callId=1&direction=in&from=4921&to=4915';
  const twoUsers = {
    event: 'newCall',
    callId: '1',
    direction: 'in',
    from: '4921',
    to: '4915',
    user: ['Alice', 'Bob'],
    userId: [],
    fullUserId: [],
    extra: {},
  };

  it.each([
    ['raw brackets', `${head}&user[]=Alice&user[]=Bob`],
    ['percent-encoded brackets', `${head}&user%5B%5D=Alice&user%5B%5D=Bob`],
    ['lower-case percent-encoding', `${head}&user%5b%5d=Alice&user%5b%5d=Bob`],
    ['indexed brackets', `${head}&user[0]=Alice&user[1]=Bob`],
    ['a mix of all three', `${head}&user[0]=Alice&user%5B%5D=Bob`],
  ])('decodes list fields sent with %s alike', (_, body) => {
    expect(decodeEvent(body)).toEqual(twoUsers);
  });

  it('reads an empty list entry as no entry', () => {
    expect(decodeEvent(`${head}&user%5B%5D=`)).toMatchObject({ user: [] });
    expect(decodeEvent(`${head}&user%5B%5D=&user%5B%5D=Bob&user[]=`)).toMatchObject({
      user: ['Bob'],
    });
  });

  it('gives an empty list when a list field is absent', () => {
    expect(decodeEvent(head)).toMatchObject({ user: [], userId: [], fullUserId: [] });
  });

  it('keeps unknown fields in extra, as scalars and as lists, and never rejects them', () => {
    const event = decodeEvent(
      'event=dtmf&dtmf=1&callId=1&tenant=acme&tags%5B%5D=a&tags%5B%5D=b&none%5B%5D=&blank=&twice=x&twice=y',
    );
    expect(event).toEqual({
      event: 'dtmf',
      callId: '1',
      dtmf: '1',
      extra: { tenant: 'acme', tags: ['a', 'b'], none: [], blank: '', twice: ['x', 'y'] },
    });
  });

  it('keeps a field known to another event as an unknown field of this one', () => {
    expect(decodeEvent('event=dtmf&callId=1&cause=busy&user%5B%5D=Alice').extra).toEqual({
      cause: 'busy',
      user: ['Alice'],
    });
  });

  it('does not let field names touch prototypes', () => {
    const event = decodeEvent(
      'event=dtmf&callId=1&__proto__[polluted]=yes&__proto__=x&constructor=c&hasOwnProperty=h&toString[]=t',
    );
    expect(Object.getOwnPropertyDescriptor(event.extra, '__proto__')?.value).toBe('x');
    expect(event.extra['__proto__[polluted]']).toBe('yes');
    expect(Object.getPrototypeOf(event.extra)).not.toBe('x');
    expect(event.extra['constructor']).toBe('c');
    expect(event.extra['hasOwnProperty']).toBe('h');
    expect(event.extra['toString']).toEqual(['t']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(event)).toBe(Object.prototype);
  });

  it('reads + as a space and %2B as a plus', () => {
    expect(decodeEvent('event=answer&callId=a%2Bb&user=John+Q.+Doe')).toMatchObject({
      callId: 'a+b',
      user: 'John Q. Doe',
    });
  });

  it('percent-decodes &, =, % and spaces inside values', () => {
    expect(decodeEvent('event=answer&callId=1&xcid=a%26b%3Dc%25d%20e')).toMatchObject({
      xcid: 'a&b=c%d e',
    });
  });

  it('decodes UTF-8 from percent-escapes, raw text and bytes alike', () => {
    const expected = { event: 'answer', callId: 'Ä1', user: 'Jürgen Müller 日本', extra: {} };
    const raw = 'event=answer&callId=Ä1&user=Jürgen+Müller+日本';
    expect(decodeEvent(raw)).toEqual(expected);
    expect(decodeEvent(new URLSearchParams(raw).toString())).toEqual(expected);
    expect(decodeEvent(Buffer.from(raw, 'utf8'))).toEqual(expected);
    expect(decodeEvent(new Uint8Array(Buffer.from(raw, 'utf8')))).toEqual(expected);
  });

  it('replaces bytes that are not UTF-8 with U+FFFD instead of failing', () => {
    const bytes = Buffer.concat([Buffer.from('event=answer&callId=1&user=a'), Buffer.from([0xff])]);
    expect(decodeEvent(bytes)).toMatchObject({ user: 'a\uFFFD' });
  });

  it('accepts URLSearchParams', () => {
    const params = new URLSearchParams();
    params.append('event', 'newCall');
    params.append('callId', '9');
    params.append('direction', 'out');
    params.append('from', '4921');
    params.append('to', '4915');
    params.append('user[]', 'Alice');
    params.append('user[]', 'Bob');
    expect(decodeEvent(params)).toEqual({ ...twoUsers, callId: '9', direction: 'out' });
  });

  it('accepts a scalar repeated with the same value', () => {
    expect(decodeEvent('event=dtmf&callId=1&dtmf=5&callId=1&event=dtmf')).toEqual({
      event: 'dtmf',
      callId: '1',
      dtmf: '5',
      extra: {},
    });
  });

  it('keeps the first of a scalar repeated with different values, with a warning naming both', () => {
    const event = decodeEvent('event=answer&callId=1&user=Ann&user=Bob');
    expect(event).toMatchObject({ user: 'Ann' });
    expect(event.warnings).toEqual([
      {
        code: 'FIELD_REPEATED',
        path: 'user',
        expected: 'a single value',
        received: '["Ann","Bob"]',
        message: 'user: expected a single value; received ["Ann","Bob"]',
      },
    ]);
  });

  it('does not depend on field order', () => {
    expect(decodeEvent('callId=1&dtmf=2&event=dtmf')).toEqual(
      decodeEvent('event=dtmf&dtmf=2&callId=1'),
    );
  });
});

describe('decodeEvent: undecodable bodies (only event and callId are strict)', () => {
  const newCall = 'event=newCall&callId=1&direction=in&from=4921&to=4915';
  const cases: [name: string, body: string, code: string, path: string, issueCode: string][] = [
    ['an empty body', '', 'EVENT_INVALID', 'event', 'FIELD_REQUIRED'],
    ['no event field', 'callId=1&dtmf=1', 'EVENT_INVALID', 'event', 'FIELD_REQUIRED'],
    ['an empty event', 'event=&callId=1', 'EVENT_INVALID', 'event', 'FIELD_REQUIRED'],
    ['an unknown event', 'event=ring&callId=1', 'EVENT_UNKNOWN', 'event', 'EVENT_UNKNOWN'],
    [
      'an event in the wrong case',
      'event=NewCall&callId=1',
      'EVENT_UNKNOWN',
      'event',
      'EVENT_UNKNOWN',
    ],
    [
      'an event named like a prototype key',
      'event=__proto__',
      'EVENT_UNKNOWN',
      'event',
      'EVENT_UNKNOWN',
    ],
    ['event=toString', 'event=toString', 'EVENT_UNKNOWN', 'event', 'EVENT_UNKNOWN'],
    [
      'two different events',
      'event=dtmf&event=hangup&callId=1',
      'EVENT_INVALID',
      'event',
      'FIELD_REPEATED',
    ],
    [
      'newCall without callId',
      'event=newCall&direction=in&from=1&to=2',
      'EVENT_INVALID',
      'callId',
      'FIELD_REQUIRED',
    ],
    [
      'callId sent twice, once empty',
      `${newCall}&callId=`,
      'EVENT_INVALID',
      'callId',
      'FIELD_REPEATED',
    ],
    [
      'newCall with a changing callId',
      `${newCall}&callId=2`,
      'EVENT_INVALID',
      'callId',
      'FIELD_REPEATED',
    ],
    ['answer without callId', 'event=answer&user=Ann', 'EVENT_INVALID', 'callId', 'FIELD_REQUIRED'],
    ['dtmf without callId', 'event=dtmf&dtmf=1', 'EVENT_INVALID', 'callId', 'FIELD_REQUIRED'],
    [
      'a callId longer than 256 characters',
      `event=dtmf&dtmf=1&callId=${'c'.repeat(257)}`,
      'EVENT_INVALID',
      'callId',
      'FIELD_INVALID',
    ],
  ];

  it.each(cases)('refuses %s', (_, body, code, path, issueCode) => {
    const error = catchError(() => decodeEvent(body));
    expect(error.code).toBe(code);
    expect(error.issues.map((issue) => [issue.path, issue.code])).toContainEqual([path, issueCode]);
    for (const issue of error.issues) {
      expect(issue.message).toBe(
        `${issue.path}: expected ${issue.expected}; received ${issue.received}`,
      );
      expect(error.message).toContain(issue.message);
    }
  });

  it('reads a lone empty callId as missing', () => {
    const error = catchError(() => decodeEvent('event=newCall&direction=in&from=1&to=2&callId='));
    expect(error.issues).toEqual([
      {
        code: 'FIELD_REQUIRED',
        path: 'callId',
        expected: 'a call id (a non-empty string of at most 256 characters)',
        received: 'nothing',
        message:
          'callId: expected a call id (a non-empty string of at most 256 characters); received nothing',
      },
    ]);
  });

  it('takes a callId of exactly 256 characters', () => {
    const callId = 'c'.repeat(EVENT_LIMITS.callIdLength);
    expect(decodeEvent(`event=dtmf&callId=${callId}`)).toMatchObject({ callId });
  });

  it('names an unknown event, the names it expected and what it received', () => {
    const error = catchError(() => decodeEvent('event=ring&callId=1'));
    expect(error.code).toBe('EVENT_UNKNOWN');
    expect(error.details['event']).toBe('ring');
    expect(error.message).toBe(
      'event: expected "newCall", "answer", "hangup", "dtmf"; received "ring"',
    );
  });

  it('lists only what makes the push undecodable; the rest would have been warnings', () => {
    const error = catchError(() =>
      decodeEvent('event=newCall&callId=1&callId=2&direction=up&from=%2B49'),
    );
    expect(error.code).toBe('EVENT_INVALID');
    expect(error.details['event']).toBe('newCall');
    expect(error.issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['callId', 'FIELD_REPEATED'],
    ]);
    expect(error.message.split('\n')[0]).toBe('newCall push is invalid:');
  });

  it('truncates a very long received value to about 80 characters', () => {
    const long = `${'9'.repeat(30)}x${'9'.repeat(500)}`;
    const error = catchError(() => decodeEvent(`event=newCall&callId=${long}&direction=in`));
    const [issue] = error.issues;
    expect(issue?.path).toBe('callId');
    expect(issue?.received.length).toBeLessThanOrEqual(80);
    expect(issue?.received.length).toBeGreaterThan(60);
    expect(issue?.received.startsWith(`"${'9'.repeat(30)}x`)).toBe(true);
    expect(issue?.received.endsWith('…')).toBe(true);
    expect(error.message.length).toBeLessThan(300);
  });

  it('truncates both values of a long repeated field', () => {
    const error = catchError(() =>
      decodeEvent(`event=dtmf&callId=${'a'.repeat(200)}&callId=${'b'.repeat(200)}`),
    );
    expect(error.issues[0]?.code).toBe('FIELD_REPEATED');
    expect(error.issues[0]?.received.length).toBeLessThanOrEqual(80);
  });

  it.each([
    ['a number', 42, 'number'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a plain object', { event: 'dtmf' }, 'Object'],
    ['an ArrayBuffer', new ArrayBuffer(4), 'ArrayBuffer'],
  ])('rejects %s as a body with BODY_INVALID', (_, body, received) => {
    const error = catchError(() => decodeEvent(body as unknown as string));
    expect(error.code).toBe('BODY_INVALID');
    expect(error.issues).toEqual([
      {
        code: 'FIELD_INVALID',
        path: 'body',
        expected: 'a string, Uint8Array or URLSearchParams',
        received,
        message: `body: expected a string, Uint8Array or URLSearchParams; received ${received}`,
      },
    ]);
    expect(error.message).toBe(error.issues[0]?.message);
  });
});

describe('decodeEvent: odd values are kept, with warnings (issue 11)', () => {
  // Each of these was once an error; a refused push drops a live call to the account's defaults.
  const cases: [name: string, body: string, field: string, kept: unknown, issueCode: string][] = [
    [
      'newCall without direction',
      'event=newCall&callId=1&from=1&to=2',
      'direction',
      '',
      'FIELD_REQUIRED',
    ],
    [
      'newCall with direction "up"',
      'event=newCall&callId=1&direction=up&from=1&to=2',
      'direction',
      'up',
      'FIELD_INVALID',
    ],
    [
      'newCall without from',
      'event=newCall&callId=1&direction=in&to=2',
      'from',
      '',
      'FIELD_REQUIRED',
    ],
    [
      'from with a leading +',
      'event=newCall&callId=1&direction=in&from=%2B4921&to=2',
      'from',
      '+4921',
      'FIELD_INVALID',
    ],
    [
      'from with a raw + (a space)',
      'event=newCall&callId=1&direction=in&from=+4921&to=2',
      'from',
      ' 4921',
      'FIELD_INVALID',
    ],
    [
      'newCall without to',
      'event=newCall&callId=1&direction=in&from=1',
      'to',
      '',
      'FIELD_REQUIRED',
    ],
    [
      'answer with direction "both"',
      'event=answer&callId=1&direction=both',
      'direction',
      'both',
      'FIELD_INVALID',
    ],
    [
      'answer with a "+49" answeringNumber',
      'event=answer&callId=1&answeringNumber=%2B49',
      'answeringNumber',
      '+49',
      'FIELD_INVALID',
    ],
    ['answer with two users', 'event=answer&callId=1&user=a&user=b', 'user', 'a', 'FIELD_REPEATED'],
    ['hangup without cause', 'event=hangup&callId=1', 'cause', '', 'FIELD_REQUIRED'],
    [
      'hangup with a control character in the cause',
      'event=hangup&callId=1&cause=normal%0Aclearing',
      'cause',
      'normal\nclearing',
      'FIELD_INVALID',
    ],
    [
      'hangup with from "unknown"',
      'event=hangup&callId=1&cause=busy&from=unknown',
      'from',
      'unknown',
      'FIELD_INVALID',
    ],
    [
      'hangup with two causes',
      'event=hangup&callId=1&cause=busy&cause=cancel',
      'cause',
      'busy',
      'FIELD_REPEATED',
    ],
    ['dtmf with a letter', 'event=dtmf&callId=1&dtmf=12x', 'dtmf', '12x', 'FIELD_INVALID'],
    [
      'diversion with a control character',
      'event=newCall&callId=1&direction=in&from=1&to=2&diversion=a%07b',
      'diversion',
      'a\u0007b',
      'FIELD_INVALID',
    ],
  ];

  it.each(cases)('decodes %s', (_, body, field, kept, issueCode) => {
    const event = decodeEvent(body) as unknown as Record<string, unknown>;
    expect(event[field]).toEqual(kept);
    const warnings = (event['warnings'] ?? []) as Issue[];
    expect(warnings.map((issue) => [issue.path, issue.code])).toEqual([[field, issueCode]]);
    for (const issue of warnings) {
      expect(issue.message).toBe(
        `${issue.path}: expected ${issue.expected}; received ${issue.received}`,
      );
    }
  });

  it('says what was expected and what was received', () => {
    expect(decodeEvent('event=hangup&callId=1&cause=busy&to=%2B4921').warnings).toEqual([
      {
        code: 'FIELD_INVALID',
        path: 'to',
        expected:
          'a number without "+" (digits), "anonymous", or a SIP ID such as 1234567e0 (digits, a letter, digits)',
        received: '"+4921"',
        message:
          'to: expected a number without "+" (digits), "anonymous", or a SIP ID such as 1234567e0 (digits, a letter, digits); received "+4921"',
      },
    ]);
  });

  it.each([
    [
      'to "anonymous" (sipgate’s own library expects it)',
      'from=4921&to=anonymous',
      'to',
      'anonymous',
    ],
    ['from as a SIP ID (seen in logged traffic)', 'from=1452406e0&to=4915', 'from', '1452406e0'],
    [
      'diversion as printable text (sipgate’s README)',
      'from=4921&to=4915&diversion=1a2b3d4e5f',
      'diversion',
      '1a2b3d4e5f',
    ],
  ])('takes %s without a warning', (_, fields, name, value) => {
    const event = decodeEvent(`event=newCall&callId=1&direction=in&${fields}`);
    expect(event).toMatchObject({ [name]: value });
    expect(event.warnings).toBeUndefined();
  });

  it('takes answeringNumber "anonymous" on answer and hangup', () => {
    for (const body of [
      'event=answer&callId=1&answeringNumber=anonymous&to=anonymous',
      'event=hangup&callId=1&cause=busy&answeringNumber=anonymous&diversion=anonymous',
    ]) {
      expect(decodeEvent(body).warnings).toBeUndefined();
    }
  });

  it('has no warnings key when nothing was odd', () => {
    expect(Object.keys(decodeEvent('event=dtmf&callId=1&dtmf=1'))).not.toContain('warnings');
  });
});

describe('decodeEvent: limits (EVENT_LIMITS)', () => {
  const dtmf = 'event=dtmf&dtmf=1&callId=1';
  const over = 'x'.repeat(EVENT_LIMITS.fieldLength + 1);

  it('drops a field longer than the limit, with a warning', () => {
    const event = decodeEvent(`event=answer&callId=1&user=${over}&xcid=x1`);
    expect(event).toEqual({
      event: 'answer',
      callId: '1',
      xcid: 'x1',
      extra: {},
      warnings: [
        {
          code: 'FIELD_TOO_LONG',
          path: 'user',
          expected: 'at most 1024 characters (the value was dropped)',
          received: `"${'x'.repeat(78)}…`,
          message: `user: expected at most 1024 characters (the value was dropped); received "${'x'.repeat(78)}…`,
        },
      ],
    });
  });

  it('keeps a required field that was too long as ""', () => {
    const event = decodeEvent(`event=newCall&callId=1&direction=in&from=1&to=${over}`);
    expect(event).toMatchObject({ to: '' });
    expect(event.warnings?.map((issue) => [issue.path, issue.code])).toEqual([
      ['to', 'FIELD_TOO_LONG'],
    ]);
  });

  it('takes a field of exactly the limit', () => {
    const user = 'x'.repeat(EVENT_LIMITS.fieldLength);
    expect(decodeEvent(`event=answer&callId=1&user=${user}`)).toEqual({
      event: 'answer',
      callId: '1',
      user,
      extra: {},
    });
  });

  it('drops an unknown field whose value or name is too long', () => {
    const event = decodeEvent(`${dtmf}&pad=${over}&${over}=1&tenant=acme`);
    expect(event.extra).toEqual({ tenant: 'acme' });
    expect(event.warnings?.map((issue) => [issue.path, issue.code])).toEqual([
      ['extra.pad', 'FIELD_TOO_LONG'],
      ['extra', 'FIELD_TOO_LONG'],
    ]);
  });

  it('keeps at most the limit of list entries and unknown fields', () => {
    const users = Array.from({ length: EVENT_LIMITS.listEntries + 5 }, (_, i) => `user[]=u${i}`);
    const event = decodeEvent(`event=newCall&callId=1&direction=in&from=1&to=2&${users.join('&')}`);
    expect(event).toMatchObject({
      user: users.slice(0, EVENT_LIMITS.listEntries).map((_, i) => `u${i}`),
    });
    expect(event.warnings?.map((issue) => [issue.path, issue.code])).toEqual([
      ['user[]', 'FIELD_TOO_MANY'],
    ]);

    const fields = Array.from({ length: EVENT_LIMITS.extraFields + 5 }, (_, i) => `f${i}=v`);
    const many = decodeEvent(`${dtmf}&${fields.join('&')}`);
    expect(Object.keys(many.extra)).toHaveLength(EVENT_LIMITS.extraFields);
    expect(many.warnings?.map((issue) => [issue.path, issue.code])).toEqual([
      ['extra', 'FIELD_TOO_MANY'],
    ]);
  });
});

describe('decodeEvent: memory (issue 12)', () => {
  // V8 hands out the values URLSearchParams cuts from a body as slices that keep the whole body
  // alive. A call store keeps callIds for hours, so each must be a copy: after decoding 200
  // padded 256 KiB bodies and keeping only the events, the bodies must be collectable.
  const collectGarbage = (): void => {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
  };
  const heapAfterGc = (): number => {
    collectGarbage();
    collectGarbage();
    return process.memoryUsage().heapUsed;
  };

  it('keeps no part of the body alive through the decoded event', () => {
    const pad = 'p'.repeat(256 * 1024);
    const kept: WebhookEvent[] = [];
    const before = heapAfterGc();
    for (let i = 0; i < 200; i++) {
      // A callId and a dtmf long enough to be sliced, and an unknown field padding each body.
      const callId = `call-${String(i).padStart(20, '0')}`;
      const body = `event=dtmf&dtmf=${'1'.repeat(20)}&callId=${callId}&xcid=${pad}${i}`;
      kept.push(decodeEvent(body));
    }
    const grown = heapAfterGc() - before;
    expect(kept).toHaveLength(200);
    expect(kept[199]).toMatchObject({ callId: `call-${String(199).padStart(20, '0')}` });
    // 200 bodies are 50 MiB; the events themselves are a few KiB each.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  });
});
