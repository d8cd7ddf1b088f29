import { describe, expect, it } from 'vitest';
import { signName, verifySignedQuery } from './signed-url.js';

const secret = 'sixteen-chars-or-more';

describe('signed URLs', () => {
  const query = signName(secret, 'welcome.0a1b2c3d.wav', 2000);

  it('verifies its own signature until exp, inclusive', () => {
    expect(verifySignedQuery(secret, 'welcome.0a1b2c3d.wav', query, 1999)).toBe('ok');
    expect(verifySignedQuery(secret, 'welcome.0a1b2c3d.wav', query, 2000)).toBe('ok');
    expect(verifySignedQuery(secret, 'welcome.0a1b2c3d.wav', query, 2001)).toBe('expired');
  });

  it('refuses another name, another secret, a changed exp, and missing or doubled parameters', () => {
    expect(verifySignedQuery(secret, 'other.wav', query, 0)).toBe('invalid');
    expect(verifySignedQuery(`${secret}!`, 'welcome.0a1b2c3d.wav', query, 0)).toBe('invalid');
    expect(
      verifySignedQuery(secret, 'welcome.0a1b2c3d.wav', query.replace('exp=2000', 'exp=3000'), 0),
    ).toBe('invalid');
    expect(verifySignedQuery(secret, 'welcome.0a1b2c3d.wav', '', 0)).toBe('missing');
    expect(verifySignedQuery(secret, 'welcome.0a1b2c3d.wav', `${query}&exp=1`, 0)).toBe(
      'malformed',
    );
    expect(verifySignedQuery(secret, 'welcome.0a1b2c3d.wav', 'exp=1&sig=short', 0)).toBe(
      'malformed',
    );
  });
});

describe('signature spelling', () => {
  it('refuses every other spelling of the last base64url character (its padding bits)', () => {
    const query = signName(secret, 'welcome.wav', 2_000_000_000);
    const sig = query.slice(query.indexOf('sig=') + 4);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (const last of alphabet) {
      const spelled = `exp=2000000000&sig=${sig.slice(0, -1)}${last}`;
      const verdict = verifySignedQuery(secret, 'welcome.wav', spelled, 1);
      expect(verdict, last).toBe(last === sig.at(-1) ? 'ok' : 'invalid');
    }
  });
});
