import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catchError } from '../test/catch-error.js';
import {
  BasicAuthCredentialsSchema,
  basicAuthIssues,
  basicAuthorization,
  createBasicAuthCheck,
  parseBasicAuth,
  timingSafeEqual,
} from './basic-auth.js';

const credentials = { username: 'sipgate', password: 's3cret' };
const check = createBasicAuthCheck(credentials);

describe('createBasicAuthCheck', () => {
  it('accepts the header any HTTP client writes, in any scheme case', () => {
    const header = `Basic ${Buffer.from('sipgate:s3cret').toString('base64')}`;
    expect(check(header)).toBe(true);
    expect(check(header.replace('Basic', 'basic'))).toBe(true);
    expect(check(header.replace('Basic ', 'BASIC   '))).toBe(true);
  });

  it('refuses other credentials, a missing header and other schemes', () => {
    expect(check(basicAuthorization({ username: 'sipgate', password: 's3creT' }))).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check(null)).toBe(false);
    expect(check('')).toBe(false);
    expect(check(`Bearer ${Buffer.from('sipgate:s3cret').toString('base64')}`)).toBe(false);
  });

  it('parses strictly: non-canonical base64 that decodes to the credentials is refused', () => {
    const token = Buffer.from('sipgate:s3cret').toString('base64'); // c2lwZ2F0ZTpzM2NyZXQ=
    expect(Buffer.from(`${token}!!`, 'base64').toString()).toBe('sipgate:s3cret');
    expect(check(`Basic ${token}!!`)).toBe(false);
    expect(check(`Basic ${token.replace(/=+$/, '')}`)).toBe(false);
    expect(check(`Basic ${token} `)).toBe(false);
    expect(check(`Basic\t${token}`)).toBe(false);
    // The same bytes with non-zero pad bits (R= instead of Q=) decode equal in lenient decoders.
    const padBits = `${token.slice(0, -2)}R=`;
    expect(Buffer.from(padBits, 'base64').toString()).toBe('sipgate:s3cret');
    expect(check(`Basic ${padBits}`)).toBe(false);
  });

  it('round-trips UTF-8 credentials through basicAuthorization', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !s.includes(':')),
        fc.string({ minLength: 1 }),
        (username, password) => {
          const header = basicAuthorization({ username, password });
          expect(header).toBe(
            `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
          );
          expect(createBasicAuthCheck({ username, password })(header)).toBe(true);
        },
      ),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe('timingSafeEqual', () => {
  it('agrees with === on any pair of strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(timingSafeEqual(a, b)).toBe(a === b);
        expect(timingSafeEqual(a, a)).toBe(true);
      }),
      { seed: 11, numRuns: 1000 },
    );
  });
});

describe('parseBasicAuth', () => {
  it('splits at the first colon', () => {
    expect(parseBasicAuth('sipgate:s3:cret')).toEqual({ username: 'sipgate', password: 's3:cret' });
  });

  it.each([
    ['sipgate', 'no ":"'],
    [':s3cret', 'an empty user name'],
    ['sipgate:', 'an empty password'],
  ])('refuses %j as OPTIONS_INVALID naming the option', (text, received) => {
    const error = catchError(() => parseBasicAuth(text, 'SIPHOOK_BASIC_AUTH'));
    expect(error.code).toBe('OPTIONS_INVALID');
    expect(error.message).toContain('SIPHOOK_BASIC_AUTH');
    expect(error.issues[0]?.received).toBe(JSON.stringify(received));
  });

  it('agrees with BasicAuthCredentialsSchema on what it returns', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        let parsed: unknown;
        try {
          parsed = parseBasicAuth(text);
        } catch {
          return;
        }
        expect(BasicAuthCredentialsSchema.safeParse(parsed).success).toBe(true);
      }),
      { seed: 3, numRuns: 500 },
    );
  });
});

describe('basicAuthIssues', () => {
  it('names each problem under the field and never shows the password', () => {
    expect(basicAuthIssues({ username: 'sipgate', password: 's3cret' }, 'basicAuth')).toEqual([]);
    const issues = basicAuthIssues(
      { username: 'sip:gate', password: 'hunter2', realm: 'x' },
      'basicAuth',
    );
    expect(issues.map(({ code, path }) => [code, path])).toEqual([
      ['FIELD_INVALID', 'basicAuth.username'],
      ['FIELD_UNKNOWN', 'basicAuth.realm'],
    ]);
    const empty = basicAuthIssues({ username: 'sipgate', password: '' }, 'options.basicAuth');
    expect(empty).toMatchObject([{ path: 'options.basicAuth.password', received: '"(hidden)"' }]);
    expect(basicAuthIssues({ username: 'a' }, 'basicAuth')).toMatchObject([
      { code: 'FIELD_REQUIRED', path: 'basicAuth.password', received: 'nothing' },
    ]);
    expect(basicAuthIssues('a:b', 'basicAuth')).toMatchObject([{ path: 'basicAuth' }]);
    expect(
      JSON.stringify(basicAuthIssues({ username: '', password: 'hunter2' }, 'b')),
    ).not.toContain('hunter2');
  });
});
